-- Dropping columns that take part in a composite UNIQUE constraint, a composite index and a check, with rows.
CREATE TABLE slots (
  id integer PRIMARY KEY,
  room text NOT NULL,
  day integer NOT NULL,
  hour integer,
  CONSTRAINT slots_room_day_hour UNIQUE (room, day, hour),
  CONSTRAINT slots_hour_range CHECK (hour BETWEEN 0 AND 23)
);
CREATE INDEX slots_day_hour ON slots (day, hour);
