-- What ent v0.14 creates on SQLite for O2M/M2O edges (namespace o2m in
-- tests/unit/ent_conventions_test.cpp; see postgres.sql for the schema and the rules). Tables in
-- ent's order (types sorted by name), foreign keys inline (atlas sql/sqlite/migrate.go).

-- create "categories" table
CREATE TABLE `categories` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL, `category_parent` integer NULL, CONSTRAINT `categories_categories_parent` FOREIGN KEY (`category_parent`) REFERENCES `categories` (`id`) ON DELETE SET NULL);
-- create "groups" table
CREATE TABLE `groups` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL, `group_info` integer NOT NULL, CONSTRAINT `groups_group_infos_info` FOREIGN KEY (`group_info`) REFERENCES `group_infos` (`id`) ON DELETE NO ACTION);
-- create "group_infos" table
CREATE TABLE `group_infos` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `description` text NOT NULL);
-- create "pets" table
CREATE TABLE `pets` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL, `user_pets` integer NULL, CONSTRAINT `pets_users_pets` FOREIGN KEY (`user_pets`) REFERENCES `users` (`id`) ON DELETE SET NULL);
-- create "users" table
CREATE TABLE `users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL, `group_blocked` integer NULL, `user_children` integer NULL, CONSTRAINT `users_groups_blocked` FOREIGN KEY (`group_blocked`) REFERENCES `groups` (`id`) ON DELETE SET NULL, CONSTRAINT `users_users_children` FOREIGN KEY (`user_children`) REFERENCES `users` (`id`) ON DELETE SET NULL);
