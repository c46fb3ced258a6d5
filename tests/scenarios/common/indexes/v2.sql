CREATE TABLE products (
  id integer PRIMARY KEY,
  sku text NOT NULL,
  name text NOT NULL,
  price integer,
  category text
);
CREATE INDEX products_name ON products (name);
CREATE UNIQUE INDEX products_sku ON products (sku);
CREATE INDEX products_category_price ON products (category, price DESC);
CREATE INDEX products_priced ON products (category) WHERE price IS NOT NULL;
CREATE INDEX products_lower_name ON products (lower(name));
