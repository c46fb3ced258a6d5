CREATE TABLE teams (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE staff (
  id integer PRIMARY KEY,
  name text NOT NULL,
  department_id integer,
  team_id integer REFERENCES teams (id)
);
