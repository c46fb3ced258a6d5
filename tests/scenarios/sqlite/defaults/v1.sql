-- Defaults SQLite's ALTER TABLE cannot add (CURRENT_TIMESTAMP, expressions) or change: rebuilds with rows.
CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
