INSERT INTO accounts VALUES (1, 1), (1, 2);
INSERT INTO transfers VALUES (1, 1, 1, 50), (2, 1, 2, 500), (3, NULL, NULL, 5);
