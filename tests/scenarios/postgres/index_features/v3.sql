CREATE TABLE articles (
  id integer PRIMARY KEY,
  title text NOT NULL,
  body text,
  tags jsonb,
  score integer,
  created timestamptz,
  owner integer
);
CREATE INDEX articles_positive ON articles (score) WHERE score > 0 AND owner IS NOT NULL;
CREATE INDEX articles_lower_title ON articles (lower(title), (score + 1));
CREATE INDEX articles_score_desc ON articles (score DESC NULLS FIRST, created);
CREATE INDEX articles_created_incl ON articles (created) INCLUDE (title);
CREATE INDEX articles_tags ON articles USING gin (tags);
CREATE UNIQUE INDEX articles_owner_score ON articles (owner, score);
