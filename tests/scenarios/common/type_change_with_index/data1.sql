INSERT INTO scores (id, code, score) VALUES (1, 100, 5), (2, 200, 7), (3, 300, NULL);
