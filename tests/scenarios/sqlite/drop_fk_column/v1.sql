-- Dropping a foreign key column and an indexed column (ALTER TABLE DROP COLUMN refuses both: rebuild).
CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id), x TEXT, y TEXT);
CREATE INDEX child_y ON child (y);
