-- What ent v0.14 creates on SQLite for ent's getting-started schema (namespace start in
-- tests/unit/ent_conventions_test.cpp): User{age, name Default("unknown")}, Car{model,
-- registered_at}, Group{name}; User To("cars", Car) with Car From("owner").Ref("cars").Unique();
-- Group To("users", User) with User From("groups").Ref("users").
--
-- Source: ent's examples/start/ent/migrate/migrations/20230219130733_initial.sql, verbatim, except
-- the default, which Atlas as pinned by ent v0.14 wraps in parentheses (atlas
-- sql/sqlite/migrate.go defaultValue via sqlx.MayWrap, since atlas cdb6ad4b).

-- create "cars" table
CREATE TABLE `cars` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `model` text NOT NULL, `registered_at` datetime NOT NULL, `user_cars` integer NULL, CONSTRAINT `cars_users_cars` FOREIGN KEY (`user_cars`) REFERENCES `users` (`id`) ON DELETE SET NULL);
-- create "groups" table
CREATE TABLE `groups` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL);
-- create "users" table
CREATE TABLE `users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `age` integer NOT NULL, `name` text NOT NULL DEFAULT ('unknown'));
-- create "group_users" table
CREATE TABLE `group_users` (`group_id` integer NOT NULL, `user_id` integer NOT NULL, PRIMARY KEY (`group_id`, `user_id`), CONSTRAINT `group_users_group_id` FOREIGN KEY (`group_id`) REFERENCES `groups` (`id`) ON DELETE CASCADE, CONSTRAINT `group_users_user_id` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE);
