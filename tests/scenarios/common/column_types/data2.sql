INSERT INTO measurements (id, sensor, reading, label, code) VALUES (3, 'a longer sensor name', 9000000000, 'y', 'ABCDEFG');
