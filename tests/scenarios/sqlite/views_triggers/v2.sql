-- note goes (the view that read it is re-created), the trigger changes, a view reads another view.
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price INTEGER NOT NULL);
CREATE TABLE audit (id INTEGER PRIMARY KEY, item_id INTEGER, what TEXT NOT NULL);
CREATE VIEW cheap_items AS SELECT id, name FROM items WHERE price < 10;
CREATE VIEW cheap_names AS SELECT name FROM cheap_items;
CREATE TRIGGER items_added AFTER INSERT ON items BEGIN INSERT INTO audit (item_id, what) VALUES (new.id, 'created'); END;
CREATE TRIGGER items_removed AFTER DELETE ON items BEGIN INSERT INTO audit (item_id, what) VALUES (old.id, 'removed'); END;
