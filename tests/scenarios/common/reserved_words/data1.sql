INSERT INTO "user" ("group", "table") VALUES (1, 't1'), (2, 't2');
INSERT INTO "order" ("select", "from", "where") VALUES (1, 'a', 'here'), (2, 'b', 'there');
