INSERT INTO sessions VALUES ('t1', 1, NULL), ('t2', 1, NULL), ('t3', 2, '2024-01-01');
