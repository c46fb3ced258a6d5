INSERT INTO paints VALUES (1, 'red', '{red,green}'), (2, 'green', NULL);
