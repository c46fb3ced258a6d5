-- Primary keys on a table with rows: none, composite, INTEGER PRIMARY KEY (rowid alias), none again.
CREATE TABLE pairs (a INTEGER NOT NULL, b INTEGER NOT NULL, note TEXT);
