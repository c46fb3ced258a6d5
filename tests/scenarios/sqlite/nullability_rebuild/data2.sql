INSERT INTO cities VALUES (3, 'Lyon', NULL);
