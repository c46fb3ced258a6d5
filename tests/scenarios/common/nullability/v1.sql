-- NOT NULL added and removed on columns of a table with rows (no NULLs where NOT NULL is added).
CREATE TABLE people (id integer PRIMARY KEY, email text NOT NULL, nick text, age integer);
