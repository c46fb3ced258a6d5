-- Creating and dropping tables while the tables that stay hold rows.
CREATE TABLE authors (id integer PRIMARY KEY, name text NOT NULL);
