CREATE TABLE imports (id integer PRIMARY KEY, amount integer, flag boolean, ref text, happened timestamp);
