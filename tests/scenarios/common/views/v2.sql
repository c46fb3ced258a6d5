CREATE TABLE people (id integer PRIMARY KEY, name varchar(40) NOT NULL, city varchar(40));
CREATE VIEW named_people AS SELECT id, name, city FROM people WHERE id > 0;
CREATE VIEW cities AS SELECT DISTINCT city FROM named_people;
