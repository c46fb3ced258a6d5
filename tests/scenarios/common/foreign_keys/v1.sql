-- A foreign key added to a table with rows, its ON DELETE / ON UPDATE actions changed, then dropped.
CREATE TABLE customers (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer, total integer NOT NULL);
