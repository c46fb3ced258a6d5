INSERT INTO docs VALUES (1, ARRAY['a', 'b'], '{1,2,3}'), (2, NULL, '{}');
