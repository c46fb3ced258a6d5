CREATE TABLE accounts (
  id integer PRIMARY KEY,
  email text NOT NULL UNIQUE,
  tenant integer NOT NULL,
  handle text NOT NULL,
  CONSTRAINT accounts_tenant_handle UNIQUE (tenant, handle)
);
