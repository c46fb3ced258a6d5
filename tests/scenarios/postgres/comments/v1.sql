-- Comments on a schema, a table, columns, an index and an enum type: added, changed and removed.
CREATE SCHEMA docs;
CREATE TYPE docs.status AS ENUM ('draft', 'live');
CREATE TABLE docs.pages (id integer PRIMARY KEY, title text, status docs.status);
CREATE INDEX pages_title ON docs.pages (title);
