INSERT INTO paints VALUES (3, 'blue', '{blue}');
