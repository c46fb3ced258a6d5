CREATE TABLE measurements (
  id integer PRIMARY KEY,
  sensor varchar(40) NOT NULL,
  reading bigint,
  label varchar(100),
  code text
);
