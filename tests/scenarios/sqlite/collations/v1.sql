-- Column collations (NOCASE, RTRIM, BINARY) changed on a table with rows (a rebuild), with a UNIQUE column.
CREATE TABLE labels (id INTEGER PRIMARY KEY, name TEXT COLLATE NOCASE, slug TEXT);
CREATE INDEX labels_slug ON labels (slug);
