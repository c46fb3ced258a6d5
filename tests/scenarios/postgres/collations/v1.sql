-- Column collations added, changed and removed on a table with rows.
CREATE TABLE names (id integer PRIMARY KEY, a text, b varchar(20) COLLATE "C", c text COLLATE "POSIX");
