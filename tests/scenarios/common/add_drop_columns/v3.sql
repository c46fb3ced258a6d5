CREATE TABLE items (
  id integer PRIMARY KEY,
  name text NOT NULL,
  qty integer NOT NULL DEFAULT 0,
  note varchar(50) DEFAULT 'none',
  active boolean NOT NULL DEFAULT true
);
