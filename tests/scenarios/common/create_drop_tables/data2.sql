INSERT INTO books (id, author_id, title) VALUES (10, 1, 'First'), (11, 1, 'Second'), (12, 3, 'Third');
INSERT INTO tags (id, label) VALUES (1, 'fiction');
