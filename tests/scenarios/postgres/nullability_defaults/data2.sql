INSERT INTO profiles (id, bio) VALUES (3, 'new');
