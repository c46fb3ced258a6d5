CREATE TABLE docs (
  id integer PRIMARY KEY,
  tags text[] DEFAULT ARRAY['new']::text[],
  scores bigint[],
  flags boolean[] NOT NULL DEFAULT '{}'
);
CREATE INDEX docs_tags ON docs USING gin (tags);
