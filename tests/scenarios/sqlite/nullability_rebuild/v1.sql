-- NOT NULL added and removed (SQLite rebuilds) on a table with rows that another table references.
CREATE TABLE cities (id INTEGER PRIMARY KEY, name TEXT, zip TEXT NOT NULL);
CREATE TABLE addresses (id INTEGER PRIMARY KEY, city_id INTEGER REFERENCES cities (id) ON DELETE CASCADE);
