CREATE TABLE blobs (
  id integer PRIMARY KEY,
  ext_id uuid,
  meta jsonb DEFAULT '{}'::jsonb,
  raw bytea,
  doc json,
  uid uuid NOT NULL DEFAULT gen_random_uuid()
);
