CREATE TABLE events (id integer PRIMARY KEY, kind text NOT NULL);
CREATE INDEX events_kind ON events (kind);
