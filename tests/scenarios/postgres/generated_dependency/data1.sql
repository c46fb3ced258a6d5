INSERT INTO carts (id, qty, price) VALUES (1, 2, 3), (2, 4, 5);
