-- Column type changes (a table rebuild) on a table with rows, an index and a unique constraint.
CREATE TABLE readings (id INTEGER PRIMARY KEY, sensor TEXT NOT NULL, value TEXT, at TEXT, UNIQUE (sensor, at));
CREATE INDEX readings_value ON readings (value);
