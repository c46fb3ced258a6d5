-- The user service's schema, first version: users and their pets.
CREATE TABLE users (
  id integer PRIMARY KEY AUTOINCREMENT,
  name text NOT NULL,
  age integer
);
CREATE TABLE pets (
  id integer PRIMARY KEY AUTOINCREMENT,
  name text NOT NULL,
  owner_id integer REFERENCES users (id) ON DELETE CASCADE
);
