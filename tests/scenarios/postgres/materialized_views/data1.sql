INSERT INTO events VALUES (1, 'signup', '2026-01-01 10:00'), (2, 'login', '2026-01-01 11:00'), (3, 'login', '2026-01-02 09:30');
