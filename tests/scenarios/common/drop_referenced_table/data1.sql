INSERT INTO departments (id, name) VALUES (1, 'R&D'), (2, 'Sales');
INSERT INTO staff (id, name, department_id) VALUES (1, 'Ann', 1), (2, 'Bob', 2), (3, 'Cy', NULL);
