-- Dropping a table that another table (with rows) references, then adding a new referenced table.
CREATE TABLE departments (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE staff (id integer PRIMARY KEY, name text NOT NULL, department_id integer REFERENCES departments (id));
