-- What ent v0.14 creates on SQLite for edge fields, edge StorageKeys and OnDelete (namespace
-- edge_fields in tests/unit/ent_conventions_test.cpp; see postgres.sql for the schema and the
-- rules).

-- create "cars" table
CREATE TABLE `cars` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `model` text NOT NULL, `garage_ref` integer NULL, CONSTRAINT `car_garage_fk` FOREIGN KEY (`garage_ref`) REFERENCES `garages` (`id`) ON DELETE SET NULL);
-- create "garages" table
CREATE TABLE `garages` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL);
-- create "posts" table
CREATE TABLE `posts` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `title` text NOT NULL, `author_id` integer NOT NULL DEFAULT (1), CONSTRAINT `posts_users_posts` FOREIGN KEY (`author_id`) REFERENCES `users` (`id`) ON DELETE CASCADE);
-- create "rentals" table
CREATE TABLE `rentals` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `date` datetime NOT NULL, `car_id` integer NOT NULL, `user_id` integer NOT NULL, CONSTRAINT `rentals_cars_rentals` FOREIGN KEY (`car_id`) REFERENCES `cars` (`id`) ON DELETE NO ACTION, CONSTRAINT `rentals_users_rentals` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- create "users" table
CREATE TABLE `users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL, `parent_id` integer NULL, CONSTRAINT `users_users_children` FOREIGN KEY (`parent_id`) REFERENCES `users` (`id`) ON DELETE SET NULL);
