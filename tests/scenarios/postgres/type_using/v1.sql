-- Type changes that need USING on a table with rows: text to integer/boolean/timestamp, and back.
CREATE TABLE imports (id integer PRIMARY KEY, amount text, flag text, ref integer, happened text);
