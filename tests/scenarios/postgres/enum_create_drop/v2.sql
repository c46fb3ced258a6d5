CREATE TYPE species AS ENUM ('cat', 'dog', 'bird');
CREATE TABLE pets (
  id integer PRIMARY KEY,
  name text NOT NULL,
  kind species NOT NULL DEFAULT 'cat',
  history species[]
);
