-- CHECK constraints: named, multi-column, column-level, NO INHERIT; modified and dropped on a table with rows.
CREATE TABLE ledgers (id integer PRIMARY KEY, balance numeric(12,2) NOT NULL, kind text NOT NULL, lo integer, hi integer);
