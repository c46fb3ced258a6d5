-- Foreign keys with every ON DELETE / ON UPDATE action and DEFERRABLE, to a primary key and to a unique column.
CREATE TABLE parents (id integer PRIMARY KEY, code text NOT NULL UNIQUE);
CREATE TABLE children (id integer PRIMARY KEY, parent_id integer DEFAULT 0, parent_code text);
