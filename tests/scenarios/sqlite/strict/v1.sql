-- A table with rows becomes STRICT (and gets an ANY column), then loses STRICT again.
CREATE TABLE metrics (id INTEGER PRIMARY KEY, name TEXT NOT NULL, value REAL, raw BLOB);
