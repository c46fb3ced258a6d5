INSERT INTO handles VALUES (1, 1, 'ann', NULL), (2, 1, 'bob', 'b'), (3, 2, 'ann', 'c');
