-- a function with a dollar-quoted body
CREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  NEW.updated_at := now(); -- inside the body
  RETURN NEW;
END;
$body$;
CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY, note text DEFAULT E'it\'s; fine');
/* a /* nested */ comment; */ INSERT INTO t (note) VALUES ('a;b'), ($$c;d$$);
