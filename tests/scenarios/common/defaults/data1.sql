INSERT INTO settings (id) VALUES (1);
INSERT INTO settings (id, name, level, ratio, created_at) VALUES (2, 'b', 5, 0.25, '2024-01-02 03:04:05');
