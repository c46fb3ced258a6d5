CREATE TABLE names (id integer PRIMARY KEY, a text COLLATE "ucs_basic", b varchar(30) COLLATE "POSIX", c text);
