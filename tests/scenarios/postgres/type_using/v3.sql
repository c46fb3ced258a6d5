CREATE TABLE imports (id integer PRIMARY KEY, amount bigint, flag boolean NOT NULL, ref integer, happened timestamp);
