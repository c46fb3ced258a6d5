-- Enum values removed from a type in use (default, array, check, partial indexes, a foreign key, another schema's table, comments) with rows; the reverse adds them back.
CREATE TYPE status AS ENUM ('draft', 'review', 'published', 'archived');
COMMENT ON TYPE status IS 'where a post stands';
CREATE TABLE posts (
  id integer PRIMARY KEY,
  st status NOT NULL DEFAULT 'draft',
  history status[] DEFAULT '{draft}',
  CONSTRAINT posts_id_st UNIQUE (id, st),
  CONSTRAINT posts_st_check CHECK (st <> 'archived' OR id > 100)
);
COMMENT ON COLUMN posts.st IS 'current status';
COMMENT ON CONSTRAINT posts_id_st ON posts IS 'referenced by events';
CREATE INDEX posts_by_st ON posts (st);
CREATE INDEX posts_live ON posts (id) WHERE st = 'published';
COMMENT ON INDEX posts_live IS 'live posts';
CREATE INDEX posts_archived ON posts (id) WHERE st = 'archived';
CREATE TABLE post_events (
  post_id integer NOT NULL,
  st status NOT NULL,
  CONSTRAINT post_events_post FOREIGN KEY (post_id, st) REFERENCES posts (id, st)
);
CREATE SCHEMA audit;
CREATE TABLE audit.log (id integer PRIMARY KEY, st public.status, seen public.status[]);
