CREATE TABLE pets (id integer PRIMARY KEY, owner_id integer REFERENCES users (id));
INSERT INTO users (id, name) VALUES (1, 'embedded');
