-- Inline and table-level UNIQUE constraints added to a table with rows and dropped, beside a unique expression index.
CREATE TABLE members (id INTEGER PRIMARY KEY, email TEXT, handle TEXT);
