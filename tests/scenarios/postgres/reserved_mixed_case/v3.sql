CREATE SCHEMA "Group";
CREATE TYPE "Group"."Kind" AS ENUM ('A', 'b c', 'it''s');
CREATE TABLE "User" ("ID" serial PRIMARY KEY, "order" bigint);
COMMENT ON TABLE "User" IS 'it''s the "User" table';
CREATE TABLE "Group"."Key" (
  "Id" integer PRIMARY KEY,
  "select" text,
  "Display Name" text,
  "Group Id" integer REFERENCES "User" ("ID") ON DELETE SET NULL,
  "Kind" "Group"."Kind" DEFAULT 'it''s',
  CONSTRAINT "Has Name" CHECK ("Display Name" <> ''),
  CONSTRAINT "Unique Pair" UNIQUE ("select", "Display Name")
);
