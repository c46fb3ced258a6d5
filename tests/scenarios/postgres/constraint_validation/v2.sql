CREATE TABLE accounts (region integer, num integer, PRIMARY KEY (region, num));
CREATE TABLE transfers (id integer PRIMARY KEY, region integer, num integer, amount integer);
ALTER TABLE transfers
  ADD CONSTRAINT transfers_account FOREIGN KEY (region, num) REFERENCES accounts (region, num)
    MATCH FULL NOT VALID,
  ADD CONSTRAINT transfers_positive CHECK (amount > 0) NOT VALID,
  ADD CONSTRAINT transfers_small CHECK (amount < 100) NOT VALID;
