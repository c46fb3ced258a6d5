-- Widening an identity column (its sequence must follow) and text to integer on an indexed, checked column.
CREATE TABLE events (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, code text NOT NULL CHECK (code <> ''));
CREATE INDEX events_code ON events (code);
