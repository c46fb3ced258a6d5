CREATE TABLE labels (id INTEGER PRIMARY KEY, name TEXT, slug TEXT COLLATE RTRIM);
CREATE INDEX labels_slug ON labels (slug);
