-- STORED generated columns added to a table with rows and their expression changed.
CREATE TABLE lines (id integer PRIMARY KEY, qty integer NOT NULL, price integer NOT NULL);
