-- Extensions: created when the desired state has them (before the types and tables that use them),
-- dropped only by the reverse of their addition.
CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL);
