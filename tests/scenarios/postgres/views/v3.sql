-- users.name changes type under three views; order_totals goes; adults becomes a security barrier.
CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, email text, age integer, active boolean NOT NULL DEFAULT true);
CREATE TABLE orders (id integer PRIMARY KEY, user_id integer NOT NULL REFERENCES users (id), total numeric(10,2) NOT NULL);
CREATE VIEW active_users AS SELECT id, name, email FROM users WHERE active;
COMMENT ON VIEW active_users IS 'users who can sign in';
COMMENT ON COLUMN active_users.email IS 'where to reach them';
CREATE VIEW active_user_names AS SELECT name FROM active_users ORDER BY name;
CREATE VIEW adults WITH (check_option = local, security_barrier = true) AS SELECT id, name, age FROM users WHERE age >= 18;
