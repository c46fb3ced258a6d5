INSERT INTO events (id, kind, payload, source) VALUES (1, 'click', 'p1', 'web'), (2, 'view', 'p2', 'app');
