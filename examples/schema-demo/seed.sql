INSERT INTO users (name, age) VALUES ('a8m', 30), ('masseelch', 28);
INSERT INTO pets (name, owner_id) VALUES ('pedro', 1), ('xabi', 2);
