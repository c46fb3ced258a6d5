CREATE TABLE profiles (
  id integer PRIMARY KEY,
  bio text NOT NULL,
  city text,
  zip varchar(10) NOT NULL DEFAULT '0000',
  country text NOT NULL DEFAULT 'NL'
);
