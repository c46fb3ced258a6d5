CREATE TABLE slots (
  id integer PRIMARY KEY,
  room text NOT NULL,
  day integer NOT NULL,
  CONSTRAINT slots_room_day UNIQUE (room, day, id)
);
CREATE INDEX slots_day ON slots (day);
