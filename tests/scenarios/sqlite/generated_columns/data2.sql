INSERT INTO rect (id, w, h) VALUES (3, 1, 1);
