INSERT INTO "order" ("select", "from", "user") VALUES (3, 'c', 2);
