INSERT INTO slots VALUES (1, 'A', 1, 9), (2, 'A', 1, 10), (3, 'B', 2, NULL);
