INSERT INTO alerts VALUES (4, 'medium'), (5, 'trace');
