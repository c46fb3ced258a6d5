INSERT INTO items (id, name, price, qty) VALUES (4, 'plane', 12.50, 2);
