-- Type changes of columns that carry an index, a unique constraint and a check, with rows.
CREATE TABLE scores (
  id integer PRIMARY KEY,
  code integer NOT NULL UNIQUE,
  score integer CHECK (score >= 0)
);
CREATE INDEX scores_score ON scores (score);
