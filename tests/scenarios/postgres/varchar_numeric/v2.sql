CREATE TABLE prices (id integer PRIMARY KEY, code varchar(32) NOT NULL, amount numeric(14,2), rate numeric(8,4), note varchar(20));
