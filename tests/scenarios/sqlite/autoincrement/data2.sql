INSERT INTO jobs (name) VALUES ('c');
