CREATE TYPE plan AS ENUM ('trial', 'free', 'pro');
CREATE TABLE tenants (id integer PRIMARY KEY, name text NOT NULL, plan plan NOT NULL DEFAULT 'trial');
CREATE TABLE trials (tenant_id integer PRIMARY KEY REFERENCES tenants (id), plan plan NOT NULL DEFAULT 'trial' CHECK (plan = 'trial'));
