INSERT INTO pets VALUES (3, 'Tweety', 'bird', '{cat,bird}');
