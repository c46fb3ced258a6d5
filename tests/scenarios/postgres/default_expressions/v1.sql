-- Defaults of many kinds: now(), CURRENT_TIMESTAMP, arithmetic, quoted text, booleans, uuid, arrays, jsonb.
CREATE TABLE audit (
  id integer PRIMARY KEY,
  created timestamptz,
  label text,
  n integer,
  ratio double precision,
  active boolean,
  uid uuid,
  tags text[],
  meta jsonb
);
