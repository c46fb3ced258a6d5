-- Index parts with COLLATE and operator classes on a table with rows: added, changed, and back to the defaults.
CREATE TABLE words (id integer PRIMARY KEY, word text NOT NULL, code varchar(10), note text COLLATE "C");
CREATE INDEX words_word ON words (word);
CREATE INDEX words_lower ON words (lower(word));
