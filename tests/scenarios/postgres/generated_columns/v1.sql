-- STORED generated columns: added, expression changed, and turned into a plain column (values kept).
CREATE TABLE lines (id integer PRIMARY KEY, qty integer NOT NULL, price numeric(10,2) NOT NULL);
