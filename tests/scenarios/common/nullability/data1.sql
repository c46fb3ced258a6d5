INSERT INTO people (id, email, nick, age) VALUES (1, 'a@x', 'a', 30), (2, 'b@x', 'b', 41);
