CREATE TABLE people (id integer PRIMARY KEY, email text, nick text NOT NULL, age integer NOT NULL);
