INSERT INTO readings VALUES (1, 's1', '42', '2024-01-01'), (2, 's1', '17', '2024-01-02'), (3, 's2', NULL, NULL);
