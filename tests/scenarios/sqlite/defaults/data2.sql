INSERT INTO notes (id, body, created) VALUES (3, 'b', '2024-01-01 00:00:00');
