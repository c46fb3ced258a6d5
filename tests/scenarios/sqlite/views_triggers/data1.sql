INSERT INTO items VALUES (1, 'pen', 2, 'blue'), (2, 'lamp', 40, NULL);
