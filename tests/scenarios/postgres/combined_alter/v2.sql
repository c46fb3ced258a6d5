CREATE TABLE wide (
  id integer PRIMARY KEY,
  a bigint DEFAULT 0 CHECK (a >= 0),
  c text NOT NULL DEFAULT 'c',
  d integer,
  e jsonb,
  f text NOT NULL DEFAULT 'f'
);
COMMENT ON TABLE wide IS 'wide table';
CREATE INDEX wide_c_a ON wide (c, a);
