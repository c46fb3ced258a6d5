INSERT INTO audit (id, label) VALUES (1, 'x');
