CREATE TABLE prices (id integer PRIMARY KEY, code varchar(12) NOT NULL, amount numeric(14,4), rate numeric(8,4), note text);
