INSERT INTO imports VALUES (3, 7, true, '19', '2024-02-03 04:05:06');
