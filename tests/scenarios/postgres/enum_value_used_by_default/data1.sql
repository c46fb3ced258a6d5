INSERT INTO tenants VALUES (1, 'acme', 'pro'), (2, 'globex', 'free');
