-- Named primary keys: added to a table with rows, changed to composite, renamed.
CREATE TABLE sessions (token text NOT NULL, user_id integer NOT NULL, created timestamp);
