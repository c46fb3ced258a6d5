-- Reserved words, mixed case and spaces in schema, table, column, type, index and constraint names.
CREATE SCHEMA "Group";
CREATE TABLE "Group"."Key" ("Id" integer PRIMARY KEY, "select" text, "Display Name" text);
CREATE TABLE "User" ("ID" serial PRIMARY KEY, "order" integer, "from" text);
