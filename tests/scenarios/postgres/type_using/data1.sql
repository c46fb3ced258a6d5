INSERT INTO imports VALUES (1, '42', 'true', 7, '2024-01-02 03:04:05'), (2, NULL, 'false', NULL, NULL);
