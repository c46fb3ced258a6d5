-- Named UNIQUE constraints (incl. NULLS NOT DISTINCT) added to rows, columns reordered, replaced by a unique index.
CREATE TABLE handles (id integer PRIMARY KEY, tenant integer NOT NULL, handle text NOT NULL, alt text);
