CREATE TABLE regions (country text NOT NULL, code text NOT NULL, name text, PRIMARY KEY (country, code));
CREATE TABLE shops (
  id integer PRIMARY KEY,
  country text,
  region text,
  CONSTRAINT shops_region_fk FOREIGN KEY (country, region) REFERENCES regions (country, code)
);
