CREATE TABLE boxes (
  id integer PRIMARY KEY,
  w integer NOT NULL,
  h integer NOT NULL,
  area integer GENERATED ALWAYS AS (w * h * 2) STORED CHECK (area >= 0)
);
COMMENT ON COLUMN boxes.area IS 'square units';
CREATE INDEX boxes_area ON boxes (area) WHERE area > 10;
