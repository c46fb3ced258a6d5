-- Indexes: unique, composite, DESC, partial (WHERE) and expression indexes added, changed and dropped.
CREATE TABLE products (
  id integer PRIMARY KEY,
  sku text NOT NULL,
  name text NOT NULL,
  price integer,
  category text
);
CREATE INDEX products_name ON products (name);
