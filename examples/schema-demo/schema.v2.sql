-- Second version: users get a unique email and a sane age; pets are looked up by owner.
CREATE TABLE users (
  id integer PRIMARY KEY AUTOINCREMENT,
  name text NOT NULL CHECK (name <> ''),
  age integer CHECK (age > 0),
  email text
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE TABLE pets (
  id integer PRIMARY KEY AUTOINCREMENT,
  name text NOT NULL,
  owner_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX pets_owner ON pets (owner_id);
