INSERT INTO measurements (id, sensor, reading, label, code) VALUES (1, 's1', 42, 'x', 'AB'), (2, 's2', NULL, NULL, NULL);
