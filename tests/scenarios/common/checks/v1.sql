-- CHECK constraints (named and unnamed) added to a table with rows, modified and dropped.
CREATE TABLE purchases (id integer PRIMARY KEY, qty integer NOT NULL, price integer NOT NULL, status text NOT NULL);
