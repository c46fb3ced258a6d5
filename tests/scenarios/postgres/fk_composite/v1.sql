-- A composite foreign key added, then re-pointed while the referenced composite primary key changes column order.
CREATE TABLE regions (country text NOT NULL, code text NOT NULL, name text, PRIMARY KEY (country, code));
CREATE TABLE shops (id integer PRIMARY KEY, country text, region text);
