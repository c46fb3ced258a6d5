-- Rebuilding tables that other tables reference with ON DELETE CASCADE: no child row may be lost.
CREATE TABLE writers (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY, writer_id INTEGER NOT NULL REFERENCES writers (id) ON DELETE CASCADE, title TEXT);
CREATE TABLE replies (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE, body TEXT);
