CREATE TABLE profiles (id integer PRIMARY KEY, bio text NOT NULL, city text, zip varchar(10) NOT NULL, country text);
