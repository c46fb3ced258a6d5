-- What ent v0.14 creates on SQLite for mixins (namespace mixins in
-- tests/unit/ent_conventions_test.cpp; see postgres.sql for the schema and the rules).

-- create "documents" table
CREATE TABLE `documents` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `update_time` datetime NOT NULL, `created_by` text NULL, `title` text NOT NULL, `document_owner` integer NULL, CONSTRAINT `documents_users_owner` FOREIGN KEY (`document_owner`) REFERENCES `users` (`id`) ON DELETE SET NULL);
-- create index "document_created_by" to table: "documents"
CREATE INDEX `document_created_by` ON `documents` (`created_by`);
-- create "users" table
CREATE TABLE `users` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `create_time` datetime NOT NULL, `name` text NOT NULL);
