-- Enum values added before the first value, in the middle and at the end of a type used by rows.
CREATE TYPE level AS ENUM ('low', 'high');
CREATE TABLE alerts (id integer PRIMARY KEY, lvl level);
