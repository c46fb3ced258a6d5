-- NOT VALID checks and foreign keys and MATCH FULL on a table with rows: made NOT VALID (one with rows it does not hold for), validated, and back.
CREATE TABLE accounts (region integer, num integer, PRIMARY KEY (region, num));
CREATE TABLE transfers (
  id integer PRIMARY KEY,
  region integer,
  num integer,
  amount integer,
  CONSTRAINT transfers_account FOREIGN KEY (region, num) REFERENCES accounts (region, num),
  CONSTRAINT transfers_positive CHECK (amount > 0)
);
