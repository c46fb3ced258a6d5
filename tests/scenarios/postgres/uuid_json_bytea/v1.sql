-- uuid, json, jsonb and bytea: text columns converted with USING, json <-> jsonb, uuid defaults.
CREATE TABLE blobs (id integer PRIMARY KEY, ext_id text, meta json, raw text, doc jsonb);
