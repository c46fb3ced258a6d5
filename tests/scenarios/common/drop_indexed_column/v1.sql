-- Dropping columns that indexes cover, on a table with rows.
CREATE TABLE events (id integer PRIMARY KEY, kind text NOT NULL, payload text, source text);
CREATE INDEX events_kind_source ON events (kind, source);
CREATE INDEX events_source ON events (source);
CREATE UNIQUE INDEX events_payload ON events (payload);
