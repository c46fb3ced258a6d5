-- Indexes changed in place: columns, direction, uniqueness, predicate; one dropped and another added.
CREATE TABLE logs (id integer PRIMARY KEY, level text, msg text, at timestamptz);
CREATE INDEX logs_level ON logs (level);
CREATE INDEX logs_at ON logs (at);
CREATE UNIQUE INDEX logs_msg ON logs (msg);
