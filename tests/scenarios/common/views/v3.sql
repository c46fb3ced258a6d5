CREATE TABLE people (id integer PRIMARY KEY, name varchar(40) NOT NULL, city varchar(40));
CREATE VIEW cities AS SELECT DISTINCT city FROM people;
