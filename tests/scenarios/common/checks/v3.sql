CREATE TABLE purchases (
  id integer PRIMARY KEY,
  qty integer NOT NULL,
  price integer NOT NULL,
  status text NOT NULL,
  CONSTRAINT qty_positive CHECK (qty > 0 AND qty < 1000),
  CHECK (price >= 0)
);
