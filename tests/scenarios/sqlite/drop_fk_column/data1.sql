INSERT INTO parent VALUES (1, 'p');
INSERT INTO child VALUES (1, 1, 'a', 'b'), (2, NULL, 'c', 'd');
