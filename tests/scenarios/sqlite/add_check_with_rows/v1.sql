-- CHECK constraints added to a table with rows (a rebuild), one modified and one dropped.
CREATE TABLE stock (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL, sku TEXT NOT NULL);
