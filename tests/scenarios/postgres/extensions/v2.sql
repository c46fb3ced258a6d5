-- email becomes case-insensitive text from the citext extension.
CREATE EXTENSION citext;
CREATE TABLE users (id integer PRIMARY KEY, email citext NOT NULL UNIQUE);
