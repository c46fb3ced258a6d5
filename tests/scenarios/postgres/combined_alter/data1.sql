INSERT INTO wide VALUES (1, 1, 'b', 'c', 4), (2, NULL, NULL, 'cc', 5);
