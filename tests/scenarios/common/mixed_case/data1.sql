INSERT INTO "User" ("Id", "FullName", "e mail") VALUES (1, 'Ann Lee', 'ann@x'), (2, 'Bob Ray', 'bob@x');
