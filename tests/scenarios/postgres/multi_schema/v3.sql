CREATE SCHEMA audit;
CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, plan_id integer);
CREATE TABLE audit.log (id bigint PRIMARY KEY, user_id integer REFERENCES public.users (id), at timestamptz DEFAULT now());
