-- What ent v0.14 creates on SQLite for M2M edges through edge schemas (namespace edge_schema in
-- tests/unit/ent_conventions_test.cpp; see postgres.sql for the schema and the rules, from
-- entc/integration/edgeschema/ent/migrate/schema.go).

-- create "friendships" table
CREATE TABLE `friendships` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `weight` integer NOT NULL DEFAULT (1), `created_at` datetime NOT NULL, `user_id` integer NOT NULL, `friend_id` integer NOT NULL, CONSTRAINT `friendships_users_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION, CONSTRAINT `friendships_users_friend` FOREIGN KEY (`friend_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- create index "friendship_created_at" to table: "friendships"
CREATE INDEX `friendship_created_at` ON `friendships` (`created_at`);
-- create index "friendship_user_id_friend_id" to table: "friendships"
CREATE UNIQUE INDEX `friendship_user_id_friend_id` ON `friendships` (`user_id`, `friend_id`);
-- create "groups" table
CREATE TABLE `groups` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL);
-- create "tweets" table
CREATE TABLE `tweets` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `text` text NOT NULL);
-- create "tweet_likes" table
CREATE TABLE `tweet_likes` (`liked_at` datetime NOT NULL, `tweet_id` integer NOT NULL, `user_id` integer NOT NULL, PRIMARY KEY (`user_id`, `tweet_id`), CONSTRAINT `tweet_likes_tweets_tweet` FOREIGN KEY (`tweet_id`) REFERENCES `tweets` (`id`) ON DELETE NO ACTION, CONSTRAINT `tweet_likes_users_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION);
-- create "users" table
CREATE TABLE `users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL);
-- create "user_groups" table
CREATE TABLE `user_groups` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `joined_at` datetime NOT NULL, `user_id` integer NOT NULL, `group_id` integer NOT NULL, CONSTRAINT `user_groups_users_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE NO ACTION, CONSTRAINT `user_groups_groups_group` FOREIGN KEY (`group_id`) REFERENCES `groups` (`id`) ON DELETE NO ACTION);
-- create index "usergroup_user_id_group_id" to table: "user_groups"
CREATE UNIQUE INDEX `usergroup_user_id_group_id` ON `user_groups` (`user_id`, `group_id`);
