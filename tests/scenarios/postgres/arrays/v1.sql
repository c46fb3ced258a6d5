-- Array columns: added with defaults, element types changed, a GIN index on an array.
CREATE TABLE docs (id integer PRIMARY KEY, tags text[], scores integer[]);
