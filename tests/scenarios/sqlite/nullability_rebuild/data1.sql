INSERT INTO cities VALUES (1, 'Utrecht', '3511'), (2, 'Gent', '9000');
INSERT INTO addresses VALUES (1, 1), (2, 2), (3, 2);
