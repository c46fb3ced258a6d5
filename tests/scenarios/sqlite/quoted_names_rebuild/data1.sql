INSERT INTO "Groups" VALUES (1, 'one');
INSERT INTO "Order Items" VALUES (1, 'a', 1), (2, 'b', NULL);
