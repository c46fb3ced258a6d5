-- An enum value added and used (default, check, new table) in one change, then removed again while a default falls back from it (issue 13: golang-migrate runs each file in one transaction).
CREATE TYPE plan AS ENUM ('free', 'pro');
CREATE TABLE tenants (id integer PRIMARY KEY, name text NOT NULL, plan plan NOT NULL DEFAULT 'free');
