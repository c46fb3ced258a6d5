-- Several schemas: created with tables, enums and cross-schema foreign keys both ways, then one dropped.
CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);
