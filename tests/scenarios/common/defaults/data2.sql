INSERT INTO settings (id, created_at) VALUES (3, '2024-05-06 07:08:09');
