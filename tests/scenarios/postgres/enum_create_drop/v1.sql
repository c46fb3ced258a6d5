-- An enum type created with columns using it (plain and array, NOT NULL with default on rows), then dropped.
CREATE TABLE pets (id integer PRIMARY KEY, name text NOT NULL);
