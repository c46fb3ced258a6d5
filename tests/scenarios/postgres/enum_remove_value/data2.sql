INSERT INTO posts VALUES (4, 'published', '{published}');
INSERT INTO post_events VALUES (4, 'published');
