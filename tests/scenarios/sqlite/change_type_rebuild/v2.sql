CREATE TABLE readings (id INTEGER PRIMARY KEY, sensor VARCHAR(20) NOT NULL, value INTEGER, at NUMERIC, UNIQUE (sensor, at));
CREATE INDEX readings_value ON readings (value);
