INSERT INTO profiles VALUES (1, 'hi', 'Utrecht', '3511'), (2, 'yo', 'Gent', '9000');
