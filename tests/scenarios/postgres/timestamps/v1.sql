-- timestamp / timestamptz / time precisions and date to timestamp, with rows.
CREATE TABLE happenings (id integer PRIMARY KEY, at timestamp, at_tz timestamptz, t time, d date, precise timestamp(6));
