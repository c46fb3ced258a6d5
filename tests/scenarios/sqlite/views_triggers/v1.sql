-- Views and triggers: created, changed, kept across a table rebuild, and views re-created around a dropped column they read.
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price INTEGER NOT NULL, note TEXT);
CREATE TABLE audit (id INTEGER PRIMARY KEY, item_id INTEGER, what TEXT NOT NULL);
CREATE VIEW cheap_items AS SELECT id, name, note FROM items WHERE price < 10;
CREATE TRIGGER items_added AFTER INSERT ON items BEGIN INSERT INTO audit (item_id, what) VALUES (new.id, 'added'); END;
