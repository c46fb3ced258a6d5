-- Many changes to one table with rows in one step (one ALTER TABLE with combined clauses).
CREATE TABLE wide (id integer PRIMARY KEY, a integer, b text, c text, d integer NOT NULL);
