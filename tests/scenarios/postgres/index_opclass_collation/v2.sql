CREATE TABLE words (id integer PRIMARY KEY, word text NOT NULL, code varchar(10), note text COLLATE "C");
CREATE INDEX words_word ON words (word COLLATE "C" text_pattern_ops DESC, code varchar_pattern_ops);
CREATE INDEX words_lower ON words ((lower(word)) COLLATE "POSIX");
CREATE INDEX words_note ON words (note COLLATE "POSIX", (note || '!') COLLATE "POSIX");
