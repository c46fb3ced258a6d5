INSERT INTO customers (id, name) VALUES (1, 'Ann'), (2, 'Bob');
INSERT INTO orders (id, customer_id, total) VALUES (1, 1, 10), (2, 1, 20), (3, 2, 5), (4, NULL, 7);
