-- What ent v0.14 creates on SQLite for one entity with a field of every type and option
-- (namespace field_types in tests/unit/ent_conventions_test.cpp).
--
-- Derived, no fixture has all of these:
--  - types: dialect/sql/schema/sqlite.go atTypeC as Atlas prints them (sql/sqlite/convert.go
--    FormatType): Bool bool; every integer integer; Float and Float32 real; String, Text and Enum
--    text; Bytes blob; Time datetime; UUID uuid; JSON json;
--  - SchemaType: lower-cased, string sizes dropped by Atlas's sqlite ParseType (varchar(255) →
--    varchar); price has no sqlite SchemaType, so it is a plain real;
--  - DEFAULT: as on PostgreSQL (sqlschema/atlas.go atDefault), wrapped in parentheses by Atlas's
--    SQLite planner (sql/sqlite/migrate.go defaultValue, sqlx.MayWrap);
--  - Unique: <table>_<column>_key unique indexes (sqlite.go atUniqueC);
--  - comments: SQLite has none.

-- create "samples" table
CREATE TABLE `samples` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `enabled` bool NOT NULL DEFAULT (true), `archived` bool NULL, `quantity` integer NOT NULL DEFAULT (-3), `tiny` integer NOT NULL DEFAULT (-128), `small` integer NULL, `medium` integer NOT NULL DEFAULT (2147483647), `big` integer NOT NULL DEFAULT (9223372036854775807), `u` integer NOT NULL DEFAULT (7), `u8` integer NOT NULL DEFAULT (255), `u16` integer NOT NULL DEFAULT (65535), `u32` integer NOT NULL DEFAULT (4294967295), `u64` integer NULL, `ratio` real NOT NULL DEFAULT (1.5), `big_ratio` real NOT NULL DEFAULT (1e+06), `tiny_ratio` real NOT NULL DEFAULT (1e-05), `score` real NOT NULL DEFAULT (0.1), `zero` real NOT NULL DEFAULT (0), `name` text NOT NULL, `nick` text NULL, `quote` text NOT NULL DEFAULT ('it''s'), `empty` text NOT NULL DEFAULT (''), `code` text NOT NULL, `huge` text NOT NULL, `body` text NULL, `payload` blob NULL, `raw` blob NOT NULL, `created_at` datetime NOT NULL, `deleted_at` datetime NULL, `token` uuid NOT NULL, `meta` json NULL, `tags` json NOT NULL, `status` text NOT NULL DEFAULT ('active'), `level` text NULL, `display_name` text NOT NULL, `email` varchar NOT NULL, `price` real NOT NULL, `secret` text NOT NULL, `described` text NOT NULL, `camel_case` integer NOT NULL, `counter` integer NOT NULL);
-- create index "samples_nick_key" to table: "samples"
CREATE UNIQUE INDEX `samples_nick_key` ON `samples` (`nick`);
-- create index "samples_token_key" to table: "samples"
CREATE UNIQUE INDEX `samples_token_key` ON `samples` (`token`);
