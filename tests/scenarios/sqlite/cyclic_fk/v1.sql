-- Two tables that reference each other: created together, filled, then dropped together.
CREATE TABLE keep (id INTEGER PRIMARY KEY);
