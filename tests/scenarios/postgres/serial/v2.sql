CREATE TABLE counters (id bigserial PRIMARY KEY, name text, big integer NOT NULL, small smallserial);
