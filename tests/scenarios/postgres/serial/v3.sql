CREATE TABLE counters (id bigserial PRIMARY KEY, name text, big serial, small smallserial);
