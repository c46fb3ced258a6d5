CREATE TABLE scores (
  id integer PRIMARY KEY,
  code text NOT NULL UNIQUE,
  score bigint CHECK (score >= 0)
);
CREATE INDEX scores_score ON scores (score);
