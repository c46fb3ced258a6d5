-- id's unique constraint becomes a unique index, which the foreign key then uses.
CREATE TABLE parent (id integer NOT NULL, code text, CONSTRAINT parent_pkey PRIMARY KEY (code));
CREATE UNIQUE INDEX parent_id_idx ON parent (id);
CREATE TABLE child (
  id integer PRIMARY KEY,
  parent_id integer REFERENCES parent (id),
  parent_code text REFERENCES parent (code) ON DELETE CASCADE
);
CREATE TABLE tree (id integer, up integer REFERENCES tree (id), CONSTRAINT tree_key PRIMARY KEY (id));
