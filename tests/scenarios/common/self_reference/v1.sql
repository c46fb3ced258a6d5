-- Self-referencing foreign keys (manager, mentor) added to a table with rows.
CREATE TABLE employees (id integer PRIMARY KEY, name text NOT NULL, manager_id integer);
