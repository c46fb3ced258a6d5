-- A column (with rows, a default and an array twin) moves from one enum type to another in one step.
CREATE TYPE color_old AS ENUM ('red', 'green');
CREATE TABLE paints (id integer PRIMARY KEY, color color_old NOT NULL DEFAULT 'red', mix color_old[]);
