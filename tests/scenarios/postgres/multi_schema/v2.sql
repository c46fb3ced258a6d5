CREATE SCHEMA billing;
CREATE TYPE billing.state AS ENUM ('open', 'paid');
CREATE TABLE billing.plans (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE billing.users (id integer PRIMARY KEY, note text);
CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, plan_id integer REFERENCES billing.plans (id));
CREATE TABLE billing.invoices (
  id integer PRIMARY KEY,
  user_id integer NOT NULL REFERENCES public.users (id),
  amount numeric(10,2),
  state billing.state NOT NULL DEFAULT 'open'
);
CREATE INDEX invoices_user ON billing.invoices (user_id);
