-- Identity columns: added to populated columns, BY DEFAULT to ALWAYS, dropped, and a new identity column.
CREATE TABLE tickets (id integer NOT NULL PRIMARY KEY, title text, seq_no bigint NOT NULL);
