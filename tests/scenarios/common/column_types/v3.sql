CREATE TABLE measurements (
  id integer PRIMARY KEY,
  sensor varchar(40) NOT NULL,
  reading numeric(12,2),
  label varchar(100),
  code text
);
