CREATE TABLE happenings (id integer PRIMARY KEY, at timestamp(3), at_tz timestamptz(0), t time(0), d timestamp, precise timestamptz(3));
