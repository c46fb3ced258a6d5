-- What ent v0.14 creates on SQLite for O2O edges (namespace o2o in
-- tests/unit/ent_conventions_test.cpp; see postgres.sql for the schema and the rules). Tables in
-- ent's order (types sorted by name), each followed by its indexes (atlas sql/sqlite/migrate.go).

-- create "cards" table
CREATE TABLE `cards` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `number` text NOT NULL, `user_card` integer NOT NULL, CONSTRAINT `cards_users_card` FOREIGN KEY (`user_card`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- create index "cards_user_card_key" to table: "cards"
CREATE UNIQUE INDEX `cards_user_card_key` ON `cards` (`user_card`);
-- create "nodes" table
CREATE TABLE `nodes` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `value` integer NOT NULL, `node_next` integer NULL, CONSTRAINT `nodes_nodes_next` FOREIGN KEY (`node_next`) REFERENCES `nodes` (`id`) ON DELETE SET NULL);
-- create index "nodes_node_next_key" to table: "nodes"
CREATE UNIQUE INDEX `nodes_node_next_key` ON `nodes` (`node_next`);
-- create "users" table
CREATE TABLE `users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL, `user_spouse` integer NULL, CONSTRAINT `users_users_spouse` FOREIGN KEY (`user_spouse`) REFERENCES `users` (`id`) ON DELETE SET NULL);
-- create index "users_user_spouse_key" to table: "users"
CREATE UNIQUE INDEX `users_user_spouse_key` ON `users` (`user_spouse`);
