CREATE TABLE counters (id bigint PRIMARY KEY, name text, big serial, small smallint NOT NULL);
