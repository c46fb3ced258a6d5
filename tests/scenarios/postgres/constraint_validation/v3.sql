CREATE TABLE accounts (region integer, num integer, PRIMARY KEY (region, num));
CREATE TABLE transfers (
  id integer PRIMARY KEY,
  region integer,
  num integer,
  amount integer,
  CONSTRAINT transfers_account FOREIGN KEY (region, num) REFERENCES accounts (region, num)
    MATCH FULL,
  CONSTRAINT transfers_positive CHECK (amount > 0)
);
ALTER TABLE transfers ADD CONSTRAINT transfers_small CHECK (amount < 1000) NOT VALID;
