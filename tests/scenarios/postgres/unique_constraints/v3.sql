CREATE TABLE handles (
  id integer PRIMARY KEY,
  tenant integer NOT NULL,
  handle text NOT NULL,
  alt text,
  CONSTRAINT handles_tenant_handle UNIQUE (handle, tenant)
);
CREATE UNIQUE INDEX handles_alt ON handles (alt);
