INSERT INTO people (id, email, nick, age) VALUES (3, NULL, 'c', 5);
