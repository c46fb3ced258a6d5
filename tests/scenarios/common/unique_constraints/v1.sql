-- UNIQUE constraints (column and named table constraints) added to a table with rows, then one dropped.
CREATE TABLE accounts (id integer PRIMARY KEY, email text NOT NULL, tenant integer NOT NULL, handle text NOT NULL);
