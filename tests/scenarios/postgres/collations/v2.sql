CREATE TABLE names (id integer PRIMARY KEY, a text COLLATE "C", b varchar(20), c text COLLATE "C");
