INSERT INTO words VALUES (1, 'Apple', 'a1', 'x'), (2, 'banana', NULL, NULL), (3, 'cherry', 'c3', 'z');
