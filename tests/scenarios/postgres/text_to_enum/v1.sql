-- A text column with a default and rows converted to an enum type (USING, default dropped and re-set), and back.
CREATE TABLE tasks (id integer PRIMARY KEY, status text NOT NULL DEFAULT 'todo');
