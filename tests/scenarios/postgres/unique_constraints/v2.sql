CREATE TABLE handles (
  id integer PRIMARY KEY,
  tenant integer NOT NULL,
  handle text NOT NULL,
  alt text,
  CONSTRAINT handles_tenant_handle UNIQUE (tenant, handle),
  CONSTRAINT handles_alt UNIQUE NULLS NOT DISTINCT (alt)
);
