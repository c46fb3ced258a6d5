INSERT INTO purchases (id, qty, price, status) VALUES (1, 1, 10, 'new'), (2, 5, 0, 'paid');
