INSERT INTO orgs VALUES (1, 'a'), (2, 'b');
INSERT INTO members VALUES (1, 1, 10), (2, 2, 0), (3, NULL, NULL);
