CREATE TYPE status AS ENUM ('draft', 'published');
COMMENT ON TYPE status IS 'where a post stands, now or never';
CREATE TABLE posts (
  id integer PRIMARY KEY,
  st status NOT NULL DEFAULT 'published',
  history status[] DEFAULT '{draft}',
  CONSTRAINT posts_id_st UNIQUE (id, st),
  CONSTRAINT posts_st_check CHECK (st <> 'draft' OR id < 1000)
);
COMMENT ON COLUMN posts.st IS 'current status';
COMMENT ON CONSTRAINT posts_id_st ON posts IS 'referenced by events';
CREATE INDEX posts_by_st ON posts (st);
CREATE INDEX posts_live ON posts (id) WHERE st = 'published';
COMMENT ON INDEX posts_live IS 'live posts';
CREATE TABLE post_events (
  post_id integer NOT NULL,
  st status NOT NULL,
  CONSTRAINT post_events_post FOREIGN KEY (post_id, st) REFERENCES posts (id, st)
);
CREATE SCHEMA audit;
CREATE TABLE audit.log (id integer PRIMARY KEY, st public.status, seen public.status[]);
