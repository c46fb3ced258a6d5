-- What ent v0.14 creates on SQLite for user-defined ids (namespace custom_ids in
-- tests/unit/ent_conventions_test.cpp; see postgres.sql for the schema and the rules).
--
-- Derived: string id text + PRIMARY KEY (`id`); UUID id uuid; Int32 id integer PRIMARY KEY
-- AUTOINCREMENT (sqlite.go atTypeC/atIncrementC, notes §4); the varchar(64) SchemaType is for
-- PostgreSQL only, so the id and the column referencing it are text; so is bigserial, so the
-- Int64 id of gadgets is an integer PRIMARY KEY AUTOINCREMENT.

-- create "accounts" table
CREATE TABLE `accounts` (`id` text NOT NULL, `email` text NOT NULL, PRIMARY KEY (`id`));
-- create "gadgets" table
CREATE TABLE `gadgets` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT);
-- create "sessions" table
CREATE TABLE `sessions` (`id` uuid NOT NULL, `account_sessions` text NOT NULL, `session_gadget` integer NULL, PRIMARY KEY (`id`), CONSTRAINT `sessions_accounts_sessions` FOREIGN KEY (`account_sessions`) REFERENCES `accounts` (`id`) ON DELETE NO ACTION, CONSTRAINT `sessions_gadgets_gadget` FOREIGN KEY (`session_gadget`) REFERENCES `gadgets` (`id`) ON DELETE SET NULL);
-- create "tags" table
CREATE TABLE `tags` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `label` text NOT NULL);
-- create "session_tags" table
CREATE TABLE `session_tags` (`session_id` uuid NOT NULL, `tag_id` integer NOT NULL, PRIMARY KEY (`session_id`, `tag_id`), CONSTRAINT `session_tags_session_id` FOREIGN KEY (`session_id`) REFERENCES `sessions` (`id`) ON DELETE CASCADE, CONSTRAINT `session_tags_tag_id` FOREIGN KEY (`tag_id`) REFERENCES `tags` (`id`) ON DELETE CASCADE);
