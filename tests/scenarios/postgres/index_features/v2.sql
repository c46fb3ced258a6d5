CREATE TABLE articles (
  id integer PRIMARY KEY,
  title text NOT NULL,
  body text,
  tags jsonb,
  score integer,
  created timestamptz,
  owner integer
);
CREATE INDEX articles_positive ON articles (score) WHERE score > 0;
CREATE INDEX articles_lower_title ON articles (lower(title));
CREATE INDEX articles_score_desc ON articles (score DESC NULLS LAST, created);
CREATE INDEX articles_created_incl ON articles (created) INCLUDE (title, score);
CREATE INDEX articles_tags ON articles USING gin (tags);
CREATE INDEX articles_title_hash ON articles USING hash (title);
CREATE UNIQUE INDEX articles_owner_score ON articles (owner, score) NULLS NOT DISTINCT;
