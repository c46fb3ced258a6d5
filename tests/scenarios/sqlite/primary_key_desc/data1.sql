INSERT INTO events VALUES (1, 'start'), (2, 'stop'), (7, 'again');
