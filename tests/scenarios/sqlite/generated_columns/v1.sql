-- VIRTUAL and STORED generated columns: added to a table with rows, switched, expression changed, dropped.
CREATE TABLE rect (id INTEGER PRIMARY KEY, w INTEGER NOT NULL, h INTEGER NOT NULL);
