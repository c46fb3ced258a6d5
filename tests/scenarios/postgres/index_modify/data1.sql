INSERT INTO logs VALUES (1, 'info', 'started', '2024-01-01 00:00:00+00'), (2, 'warn', 'slow', NULL);
