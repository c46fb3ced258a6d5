-- Column defaults: literals, CURRENT_TIMESTAMP and arithmetic expressions, added, changed and dropped.
CREATE TABLE settings (
  id integer PRIMARY KEY,
  name text DEFAULT 'unnamed',
  level integer DEFAULT 1,
  ratio numeric(5,2),
  created_at timestamp
);
