CREATE TABLE audit (
  id integer PRIMARY KEY,
  created timestamptz DEFAULT now(),
  label text DEFAULT 'it''s',
  n integer DEFAULT (1 + 2) * 3,
  ratio double precision DEFAULT 0.5,
  active boolean DEFAULT true,
  uid uuid DEFAULT gen_random_uuid(),
  tags text[] DEFAULT '{}',
  meta jsonb DEFAULT '{}'::jsonb
);
