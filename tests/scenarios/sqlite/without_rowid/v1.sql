-- A rowid table with rows and an index becomes WITHOUT ROWID, then gets a composite primary key.
CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE INDEX kv_v ON kv (v);
