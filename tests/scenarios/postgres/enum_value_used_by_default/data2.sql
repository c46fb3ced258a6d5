INSERT INTO tenants VALUES (3, 'initech', 'pro');
