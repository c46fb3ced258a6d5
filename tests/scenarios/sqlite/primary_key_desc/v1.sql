-- Descending primary keys on a table with rows: INTEGER PRIMARY KEY (rowid alias) becomes INTEGER PRIMARY KEY DESC (a real key index), then a composite key with a DESC column.
CREATE TABLE events (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
