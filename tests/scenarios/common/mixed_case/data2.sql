INSERT INTO "Group Members" ("User Id", "Role Name") VALUES (1, 'Owner'), (2, 'Guest');
