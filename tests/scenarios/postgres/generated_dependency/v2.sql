CREATE TABLE carts (
  id integer PRIMARY KEY,
  qty bigint NOT NULL,
  price integer NOT NULL,
  total bigint GENERATED ALWAYS AS (qty * price) STORED
);
CREATE INDEX carts_total ON carts (total DESC);
COMMENT ON INDEX carts_total IS 'totals';
