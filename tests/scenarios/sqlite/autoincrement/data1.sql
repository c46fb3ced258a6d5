INSERT INTO jobs (id, name) VALUES (5, 'a'), (9, 'b');
