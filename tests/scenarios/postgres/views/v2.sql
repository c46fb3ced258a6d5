CREATE TABLE users (id integer PRIMARY KEY, name varchar(50) NOT NULL, email text, age integer, active boolean NOT NULL DEFAULT true);
CREATE TABLE orders (id integer PRIMARY KEY, user_id integer NOT NULL REFERENCES users (id), total numeric(10,2) NOT NULL);
-- A column appended: CREATE OR REPLACE VIEW.
CREATE VIEW active_users AS SELECT id, name, email FROM users WHERE active;
COMMENT ON VIEW active_users IS 'users who can sign in';
COMMENT ON COLUMN active_users.email IS 'where to reach them';
CREATE VIEW active_user_names AS SELECT name FROM active_users ORDER BY name;
-- A column removed from the list: dropped and created.
CREATE VIEW order_totals AS SELECT u.id, sum(o.total) AS total FROM users u JOIN orders o ON o.user_id = u.id GROUP BY u.id;
CREATE VIEW adults WITH (check_option = local) AS SELECT id, name, age FROM users WHERE age >= 18;
