-- Enum values added at the end, used by rows, and a new value used as a default in the same step.
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE diary (id integer PRIMARY KEY, m mood NOT NULL DEFAULT 'ok');
