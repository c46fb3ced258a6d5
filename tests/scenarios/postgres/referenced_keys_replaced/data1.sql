INSERT INTO parent VALUES (1, 'a'), (2, 'b');
INSERT INTO child VALUES (10, 1, 'b'), (11, 2, 'a'), (12, NULL, NULL);
INSERT INTO tree VALUES (1, NULL), (2, 1), (3, 2);
