-- varchar(n) lengths widened and narrowed, numeric precision and scale changed, with rows.
CREATE TABLE prices (id integer PRIMARY KEY, code varchar(10) NOT NULL, amount numeric(10,2), rate numeric, note character varying);
