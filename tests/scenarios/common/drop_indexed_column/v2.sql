CREATE TABLE events (id integer PRIMARY KEY, kind text NOT NULL, payload text);
CREATE INDEX events_kind ON events (kind);
CREATE UNIQUE INDEX events_payload ON events (payload);
