INSERT INTO tickets (id, title) VALUES (1, 'a'), (2, 'b'), (3, NULL);
