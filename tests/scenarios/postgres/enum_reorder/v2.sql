CREATE TYPE size AS ENUM ('small', 'medium', 'large');
CREATE TABLE shirts (
  id integer PRIMARY KEY,
  sz size NOT NULL DEFAULT 'medium',
  fits size[],
  CONSTRAINT shirts_sz_known CHECK (sz IN ('small', 'medium', 'large'))
);
CREATE INDEX shirts_by_sz ON shirts (sz DESC, id);
COMMENT ON COLUMN shirts.sz IS 'label size';
