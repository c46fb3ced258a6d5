CREATE TABLE docs (
  id integer PRIMARY KEY,
  tags varchar(20)[],
  scores bigint[],
  flags boolean[] NOT NULL DEFAULT '{}'
);
