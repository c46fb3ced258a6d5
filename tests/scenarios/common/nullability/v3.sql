CREATE TABLE people (id integer PRIMARY KEY, email text, nick text, age integer NOT NULL);
