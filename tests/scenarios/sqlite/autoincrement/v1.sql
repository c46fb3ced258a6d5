-- AUTOINCREMENT added to and removed from an INTEGER PRIMARY KEY with rows (table rebuilds keep the ids).
CREATE TABLE jobs (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
