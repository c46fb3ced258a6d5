INSERT INTO shirts VALUES (1, 'small', '{small,medium}'), (2, 'large', NULL), (3, 'medium', '{large}');
