CREATE TABLE metrics (id INTEGER PRIMARY KEY, name TEXT NOT NULL, value REAL, raw BLOB, extra ANY);
