INSERT INTO shirts VALUES (4, 'medium', '{small,large}');
