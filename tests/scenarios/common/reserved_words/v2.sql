CREATE TABLE "user" ("group" integer PRIMARY KEY, "table" text);
CREATE TABLE "order" (
  "select" integer PRIMARY KEY,
  "from" text NOT NULL,
  "where" text,
  "limit" integer DEFAULT 10,
  "user" integer REFERENCES "user" ("group"),
  CONSTRAINT "check" CHECK ("where" <> '')
);
CREATE INDEX "index" ON "order" ("from");
