INSERT INTO metrics VALUES (1, 'cpu', 1.5, x'00ff'), (2, 'mem', NULL, NULL);
