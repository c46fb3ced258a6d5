INSERT INTO ledgers VALUES (1, 10.00, 'a', 1, 5), (2, 0, 'b', NULL, NULL);
