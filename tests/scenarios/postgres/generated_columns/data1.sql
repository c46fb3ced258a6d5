INSERT INTO lines VALUES (1, 2, 10.00), (2, 3, 1.50);
