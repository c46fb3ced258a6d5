CREATE SCHEMA "Group";
CREATE TYPE "Group"."Kind" AS ENUM ('A', 'b c', 'it''s');
CREATE TABLE "User" ("ID" serial PRIMARY KEY, "order" bigint, "from" text);
CREATE TABLE "Group"."Key" (
  "Id" integer PRIMARY KEY,
  "select" text,
  "Display Name" text,
  "Group Id" integer REFERENCES "User" ("ID"),
  "Kind" "Group"."Kind" DEFAULT 'b c',
  CONSTRAINT "Has Name" CHECK ("Display Name" <> '')
);
CREATE INDEX "Key Index" ON "Group"."Key" ("select" DESC);
