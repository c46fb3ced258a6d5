-- Keys that foreign keys depend on are replaced while the foreign keys stay: the planner must drop
-- and re-add the foreign keys around the change (the server refuses to drop an index a key uses).
CREATE TABLE parent (id integer PRIMARY KEY, code text NOT NULL, CONSTRAINT parent_code_key UNIQUE (code));
CREATE TABLE child (
  id integer PRIMARY KEY,
  parent_id integer REFERENCES parent (id),
  parent_code text REFERENCES parent (code) ON DELETE CASCADE
);
CREATE TABLE tree (id integer PRIMARY KEY, up integer REFERENCES tree (id));
