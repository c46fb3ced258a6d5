INSERT INTO lines (id, qty, price) VALUES (3, 1, 1);
