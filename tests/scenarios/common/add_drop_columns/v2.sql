CREATE TABLE items (
  id integer PRIMARY KEY,
  name text NOT NULL,
  price numeric(10,2),
  qty integer NOT NULL DEFAULT 0,
  note varchar(50) DEFAULT 'none'
);
