INSERT INTO regions VALUES ('NL', 'UT', 'Utrecht'), ('NL', 'NH', 'Noord-Holland'), ('BE', 'AN', 'Antwerpen');
INSERT INTO shops VALUES (1, 'NL', 'UT'), (2, 'BE', 'AN'), (3, NULL, NULL);
