CREATE TABLE sessions (token text NOT NULL, user_id integer NOT NULL, created timestamp, CONSTRAINT sessions_key PRIMARY KEY (user_id, token));
