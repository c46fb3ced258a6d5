INSERT INTO members VALUES (1, 'a@x', 'Ann'), (2, 'b@x', 'Bob'), (3, NULL, NULL);
