-- serial and defaulted columns with rows turned into identity columns, and back.
CREATE TABLE orders (id serial PRIMARY KEY, n integer NOT NULL DEFAULT 5, note text);
