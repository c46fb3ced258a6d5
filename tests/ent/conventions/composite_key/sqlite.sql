-- What strata creates on SQLite for a composite primary key on an entity that is not an edge
-- schema (namespace composite_key in tests/unit/ent_conventions_test.cpp; see postgres.sql).

-- create "memberships" table
CREATE TABLE `memberships` (`org` text NOT NULL, `role` text NOT NULL DEFAULT ('member'), `user_id` integer NOT NULL, PRIMARY KEY (`org`, `user_id`), CONSTRAINT `memberships_users_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- create "users" table
CREATE TABLE `users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL);
