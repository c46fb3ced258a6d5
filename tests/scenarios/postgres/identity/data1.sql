INSERT INTO tickets VALUES (1, 'a', 10), (2, 'b', 20), (3, NULL, 30);
