-- The primary key moves to code (whose unique constraint goes), id keeps a unique constraint, and
-- tree's primary key is renamed: every foreign key stays.
CREATE TABLE parent (id integer NOT NULL, code text, CONSTRAINT parent_pkey PRIMARY KEY (code), CONSTRAINT parent_id_key UNIQUE (id));
CREATE TABLE child (
  id integer PRIMARY KEY,
  parent_id integer REFERENCES parent (id),
  parent_code text REFERENCES parent (code) ON DELETE CASCADE
);
CREATE TABLE tree (id integer, up integer REFERENCES tree (id), CONSTRAINT tree_key PRIMARY KEY (id));
