-- A generated column re-created for a new expression keeps its comment, its index and its check.
CREATE TABLE boxes (
  id integer PRIMARY KEY,
  w integer NOT NULL,
  h integer NOT NULL,
  area integer GENERATED ALWAYS AS (w * h) STORED CHECK (area >= 0)
);
COMMENT ON COLUMN boxes.area IS 'square units';
CREATE INDEX boxes_area ON boxes (area) WHERE area > 10;
