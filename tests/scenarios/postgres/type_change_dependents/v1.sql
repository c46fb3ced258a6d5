-- Widening a referenced primary key and its foreign key column, and a checked, indexed column, with rows.
CREATE TABLE orgs (id integer PRIMARY KEY, name text);
CREATE TABLE members (
  id integer PRIMARY KEY,
  org_id integer REFERENCES orgs (id),
  score integer CHECK (score >= 0)
);
CREATE INDEX members_org_score ON members (org_id, score);
