CREATE TABLE regions (country text NOT NULL, code text NOT NULL, name text, PRIMARY KEY (code, country));
CREATE TABLE shops (
  id integer PRIMARY KEY,
  country text,
  region text,
  CONSTRAINT shops_region_fk FOREIGN KEY (region, country) REFERENCES regions (code, country) ON DELETE CASCADE
);
