-- Primary keys: a composite key added to a table with rows, its column order changed, then dropped.
CREATE TABLE memberships (user_id integer NOT NULL, group_id integer NOT NULL, role text);
