CREATE TABLE happenings (id integer PRIMARY KEY, at timestamp(3) with time zone, at_tz timestamp with time zone, t time, d date, precise timestamptz(3));
