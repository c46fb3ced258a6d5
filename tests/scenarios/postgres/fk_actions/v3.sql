CREATE TABLE parents (id integer PRIMARY KEY, code text NOT NULL UNIQUE);
CREATE TABLE children (
  id integer PRIMARY KEY,
  parent_id integer DEFAULT 0 REFERENCES parents ON DELETE SET DEFAULT DEFERRABLE,
  parent_code text REFERENCES parents (code) ON DELETE NO ACTION
);
