INSERT INTO audit (id) VALUES (2);
