INSERT INTO products (id, sku, name, price, category) VALUES
  (1, 'A-1', 'Apple', 3, 'fruit'), (2, 'B-2', 'Banana', NULL, 'fruit'), (3, 'C-3', 'Carrot', 0, 'veg');
