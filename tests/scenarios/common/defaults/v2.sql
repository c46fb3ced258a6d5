CREATE TABLE settings (
  id integer PRIMARY KEY,
  name text DEFAULT 'anon',
  level integer DEFAULT (2 * 3),
  ratio numeric(5,2) DEFAULT 0.5,
  created_at timestamp DEFAULT CURRENT_TIMESTAMP
);
