CREATE SCHEMA docs;
COMMENT ON SCHEMA docs IS 'pages of documentation';
CREATE TYPE docs.status AS ENUM ('draft', 'live');
CREATE TABLE docs.pages (id integer PRIMARY KEY, title text, status docs.status);
COMMENT ON TABLE docs.pages IS 'pages';
COMMENT ON COLUMN docs.pages.status IS 'publication state';
CREATE INDEX pages_title ON docs.pages (title);
