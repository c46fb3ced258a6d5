-- What ent v0.14 creates on SQLite for M2M edges (namespace m2m in
-- tests/unit/ent_conventions_test.cpp; see postgres.sql for the schema and the rules). Node tables
-- first, then join tables in the order of their assoc edges (graph.go Tables); the join-table
-- layout is that of dialect/sql/schema/migrate_test.go (notes §9.1).

-- create "groups" table
CREATE TABLE `groups` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL);
-- create "posts" table
CREATE TABLE `posts` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `title` text NOT NULL);
-- create "tags" table
CREATE TABLE `tags` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL);
-- create "users" table
CREATE TABLE `users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL);
-- create "post_tag_links" table
CREATE TABLE `post_tag_links` (`post` integer NOT NULL, `tag` integer NOT NULL, PRIMARY KEY (`post`, `tag`), CONSTRAINT `links_post` FOREIGN KEY (`post`) REFERENCES `posts` (`id`) ON DELETE CASCADE, CONSTRAINT `links_tag` FOREIGN KEY (`tag`) REFERENCES `tags` (`id`) ON DELETE CASCADE);
-- create "user_groups" table
CREATE TABLE `user_groups` (`user_id` integer NOT NULL, `group_id` integer NOT NULL, PRIMARY KEY (`user_id`, `group_id`), CONSTRAINT `user_groups_user_id` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE, CONSTRAINT `user_groups_group_id` FOREIGN KEY (`group_id`) REFERENCES `groups` (`id`) ON DELETE CASCADE);
-- create "user_friends" table
CREATE TABLE `user_friends` (`user_id` integer NOT NULL, `friend_id` integer NOT NULL, PRIMARY KEY (`user_id`, `friend_id`), CONSTRAINT `user_friends_user_id` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE, CONSTRAINT `user_friends_friend_id` FOREIGN KEY (`friend_id`) REFERENCES `users` (`id`) ON DELETE CASCADE);
-- create "user_following" table
CREATE TABLE `user_following` (`user_id` integer NOT NULL, `follower_id` integer NOT NULL, PRIMARY KEY (`user_id`, `follower_id`), CONSTRAINT `user_following_user_id` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE, CONSTRAINT `user_following_follower_id` FOREIGN KEY (`follower_id`) REFERENCES `users` (`id`) ON DELETE CASCADE);
