CREATE TABLE words (id integer PRIMARY KEY, word text NOT NULL, code varchar(10), note text COLLATE "C");
CREATE INDEX words_word ON words (word text_pattern_ops);
CREATE INDEX words_lower ON words (lower(word));
CREATE INDEX words_note ON words (note);
