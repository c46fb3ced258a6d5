CREATE TABLE blobs (id integer PRIMARY KEY, ext_id uuid, meta jsonb, raw bytea, doc json);
