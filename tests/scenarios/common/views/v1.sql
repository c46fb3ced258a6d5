-- A portable view created, redefined over a new column, and dropped.
CREATE TABLE people (id integer PRIMARY KEY, name varchar(40) NOT NULL);
CREATE VIEW named_people AS SELECT id, name FROM people WHERE id > 0;
