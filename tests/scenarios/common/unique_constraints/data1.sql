INSERT INTO accounts (id, email, tenant, handle) VALUES (1, 'a@x', 1, 'ann'), (2, 'b@x', 1, 'bob'), (3, 'c@x', 2, 'ann');
