CREATE TABLE orgs (id bigint PRIMARY KEY, name text);
CREATE TABLE members (
  id integer PRIMARY KEY,
  org_id bigint REFERENCES orgs (id),
  score numeric(8,2) CHECK (score >= 0)
);
CREATE INDEX members_org_score ON members (org_id, score);
