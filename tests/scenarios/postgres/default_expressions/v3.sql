CREATE TABLE audit (
  id integer PRIMARY KEY,
  created timestamptz DEFAULT CURRENT_TIMESTAMP,
  label text DEFAULT lower('X'),
  n integer DEFAULT 7,
  ratio double precision,
  active boolean DEFAULT false,
  uid uuid,
  tags text[] DEFAULT ARRAY['a', 'b'],
  meta jsonb DEFAULT '{"v": 1}'::jsonb
);
