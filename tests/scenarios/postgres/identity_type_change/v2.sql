CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, code integer NOT NULL CHECK (code > 0));
CREATE INDEX events_code ON events (code);
