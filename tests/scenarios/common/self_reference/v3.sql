CREATE TABLE employees (
  id integer PRIMARY KEY,
  name text NOT NULL,
  manager_id integer REFERENCES employees (id) ON DELETE SET NULL,
  mentor_id integer REFERENCES employees (id)
);
CREATE INDEX employees_manager ON employees (manager_id);
