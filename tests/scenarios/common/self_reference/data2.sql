INSERT INTO employees (id, name, manager_id) VALUES (4, 'Cy', 1);
