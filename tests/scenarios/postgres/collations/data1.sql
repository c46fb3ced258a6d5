INSERT INTO names VALUES (1, 'x', 'y', 'z'), (2, 'B', 'a', 'A');
