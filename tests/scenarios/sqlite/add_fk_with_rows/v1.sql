-- Foreign keys added to a table with rows (a rebuild that keeps its UNIQUE column), then actions and DEFERRABLE changed.
CREATE TABLE owners (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE cars (id INTEGER PRIMARY KEY, owner_id INTEGER, plate TEXT UNIQUE);
