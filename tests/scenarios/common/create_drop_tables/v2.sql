CREATE TABLE authors (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE books (
  id integer PRIMARY KEY,
  author_id integer NOT NULL REFERENCES authors (id),
  title varchar(200) NOT NULL
);
CREATE TABLE tags (id integer PRIMARY KEY, label text NOT NULL UNIQUE);
CREATE INDEX books_author ON books (author_id);
