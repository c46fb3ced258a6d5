CREATE TABLE stock (
  id INTEGER PRIMARY KEY,
  qty INTEGER NOT NULL CHECK (qty >= 0),
  sku TEXT NOT NULL,
  CONSTRAINT sku_len CHECK (length(sku) = 6)
);
