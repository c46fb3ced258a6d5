CREATE TYPE plan AS ENUM ('free', 'pro');
CREATE TABLE tenants (id integer PRIMARY KEY, name text NOT NULL, plan plan NOT NULL DEFAULT 'free');
