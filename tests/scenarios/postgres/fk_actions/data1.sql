INSERT INTO parents VALUES (0, 'zero'), (1, 'one'), (2, 'two');
INSERT INTO children VALUES (1, 1, 'one'), (2, 2, NULL), (3, NULL, 'two');
