INSERT INTO items (id, name, legacy) VALUES (1, 'hammer', 'x'), (2, 'saw', NULL), (3, 'drill', 'y');
