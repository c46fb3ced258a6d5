INSERT INTO posts VALUES (1, 'draft', '{draft}'), (2, 'published', '{draft,published}'), (3, 'published', NULL);
INSERT INTO post_events VALUES (1, 'draft'), (2, 'published');
INSERT INTO audit.log VALUES (1, 'draft', '{draft,published}'), (2, NULL, NULL);
