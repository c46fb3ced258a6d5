-- Adding nullable columns, columns with defaults and NOT NULL columns with defaults, and dropping columns, on a table with rows.
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, legacy text);
