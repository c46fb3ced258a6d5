INSERT INTO pairs VALUES (1, 10, 'x'), (2, 10, 'y'), (3, 20, NULL);
