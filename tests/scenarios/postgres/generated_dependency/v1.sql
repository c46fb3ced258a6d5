-- Widening a column a generated column depends on; the generated column has a commented index.
CREATE TABLE carts (
  id integer PRIMARY KEY,
  qty integer NOT NULL,
  price integer NOT NULL,
  total integer GENERATED ALWAYS AS (qty * price) STORED
);
CREATE INDEX carts_total ON carts (total);
COMMENT ON INDEX carts_total IS 'totals';
