INSERT INTO counters (name, big) VALUES ('a', 100), ('b', 200);
