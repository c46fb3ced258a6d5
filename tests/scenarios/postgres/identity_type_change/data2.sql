INSERT INTO events (code) VALUES (40);
