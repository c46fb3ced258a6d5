INSERT INTO writers VALUES (1, 'Ann'), (2, 'Bob');
INSERT INTO posts VALUES (1, 1, 'Hello'), (2, 2, 'World');
INSERT INTO replies VALUES (1, 1, 'hi'), (2, 2, 'yo'), (3, 2, 'ok');
