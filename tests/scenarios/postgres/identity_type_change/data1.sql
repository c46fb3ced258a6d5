INSERT INTO events (code) VALUES ('10'), ('20'), ('30');
