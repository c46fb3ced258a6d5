INSERT INTO employees (id, name, manager_id) VALUES (1, 'Boss', NULL), (2, 'Ann', 1), (3, 'Bob', 2);
