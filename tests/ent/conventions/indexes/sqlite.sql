-- What ent v0.14 creates on SQLite for Indexes() (namespace indexes in
-- tests/unit/ent_conventions_test.cpp; see postgres.sql for the schema and the rules).

-- create "pets" table
CREATE TABLE `pets` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL, `nickname` text NULL, `age` integer NOT NULL, `weight` real NOT NULL, `user_pets` integer NULL, CONSTRAINT `pets_users_pets` FOREIGN KEY (`user_pets`) REFERENCES `users` (`id`) ON DELETE SET NULL);
-- create index "pet_name_age" to table: "pets"
CREATE INDEX `pet_name_age` ON `pets` (`name`, `age`);
-- create index "pet_nickname" to table: "pets"
CREATE UNIQUE INDEX `pet_nickname` ON `pets` (`nickname`);
-- create index "pet_name_user_pets" to table: "pets"
CREATE INDEX `pet_name_user_pets` ON `pets` (`name`, `user_pets`);
-- create index "pet_age" to table: "pets"
CREATE INDEX `pet_age` ON `pets` (`age`) WHERE age > 0;
-- create index "pets_by_weight" to table: "pets"
CREATE INDEX `pets_by_weight` ON `pets` (`weight`);
-- create index "one_pet_per_owner" to table: "pets"
CREATE UNIQUE INDEX `one_pet_per_owner` ON `pets` (`user_pets`);
-- create "users" table
CREATE TABLE `users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `email` text NOT NULL);
-- create index "users_email_key" to table: "users"
CREATE UNIQUE INDEX `users_email_key` ON `users` (`email`);
-- create index "user_id_email" to table: "users"
CREATE INDEX `user_id_email` ON `users` (`id`, `email`);
