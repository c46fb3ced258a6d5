-- PostgreSQL index features: partial, expression, DESC NULLS LAST, INCLUDE, gin, hash, NULLS NOT DISTINCT.
CREATE TABLE articles (
  id integer PRIMARY KEY,
  title text NOT NULL,
  body text,
  tags jsonb,
  score integer,
  created timestamptz,
  owner integer
);
