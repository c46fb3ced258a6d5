CREATE TABLE settings (
  id integer PRIMARY KEY,
  name text,
  level integer DEFAULT 10,
  ratio numeric(5,2) DEFAULT 0.5,
  created_at timestamp
);
