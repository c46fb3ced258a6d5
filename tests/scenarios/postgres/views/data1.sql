INSERT INTO users VALUES (1, 'ann', 'ann@example.com', 31, true), (2, 'bob', NULL, 17, false);
INSERT INTO orders VALUES (10, 1, 12.50), (11, 1, 7.25), (12, 2, 3.00);
