CREATE TYPE level AS ENUM ('trace', 'low', 'medium', 'high', 'critical');
CREATE TABLE alerts (id integer PRIMARY KEY, lvl level);
