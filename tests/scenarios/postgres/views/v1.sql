-- Views over tables and over other views: replaced in place, redefined, options, and re-created around a column type change that they block.
CREATE TABLE users (id integer PRIMARY KEY, name varchar(50) NOT NULL, email text, age integer, active boolean NOT NULL DEFAULT true);
CREATE TABLE orders (id integer PRIMARY KEY, user_id integer NOT NULL REFERENCES users (id), total numeric(10,2) NOT NULL);
CREATE VIEW active_users AS SELECT id, name FROM users WHERE active;
CREATE VIEW active_user_names AS SELECT name FROM active_users ORDER BY name;
CREATE VIEW order_totals AS SELECT u.id, u.name, sum(o.total) AS total FROM users u JOIN orders o ON o.user_id = u.id GROUP BY u.id, u.name;
