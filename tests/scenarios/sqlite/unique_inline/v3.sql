CREATE TABLE members (id INTEGER PRIMARY KEY, email TEXT, handle TEXT, UNIQUE (handle, email));
CREATE UNIQUE INDEX members_handle_lower ON members (lower(handle));
