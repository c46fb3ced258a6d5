-- NOT NULL set and dropped with rows present, NOT NULL columns with defaults added to a table with rows.
CREATE TABLE profiles (id integer PRIMARY KEY, bio text, city text NOT NULL, zip varchar(10));
