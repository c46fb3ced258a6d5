INSERT INTO "Group"."Key" VALUES (1, 'a', 'A'), (2, 'b', 'B');
INSERT INTO "User" ("order", "from") VALUES (1, 'x'), (2, 'y');
