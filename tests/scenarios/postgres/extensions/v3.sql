-- A second extension, used by a new column.
CREATE EXTENSION citext;
CREATE EXTENSION hstore;
CREATE TABLE users (id integer PRIMARY KEY, email citext NOT NULL UNIQUE, attrs hstore);
