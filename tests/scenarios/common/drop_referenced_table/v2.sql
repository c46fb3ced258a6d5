CREATE TABLE staff (id integer PRIMARY KEY, name text NOT NULL, department_id integer);
