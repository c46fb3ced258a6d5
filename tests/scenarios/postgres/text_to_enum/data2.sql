INSERT INTO tasks VALUES (3, 'doing');
