-- serial / bigserial / smallserial: widened, added to a table with rows, made from and turned into plain columns.
CREATE TABLE counters (id serial PRIMARY KEY, name text, big integer NOT NULL);
