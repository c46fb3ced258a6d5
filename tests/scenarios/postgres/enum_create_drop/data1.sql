INSERT INTO pets VALUES (1, 'Rex'), (2, 'Tom');
