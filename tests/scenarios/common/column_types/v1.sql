-- Column type changes on a table with rows: varchar lengths, integer to bigint, text to varchar, bigint to numeric.
CREATE TABLE measurements (
  id integer PRIMARY KEY,
  sensor varchar(10) NOT NULL,
  reading integer,
  label text,
  code varchar(5)
);
