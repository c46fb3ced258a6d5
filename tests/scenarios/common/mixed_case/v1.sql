-- Mixed-case identifiers and names with spaces for tables, columns, indexes and foreign keys.
CREATE TABLE "User" ("Id" integer PRIMARY KEY, "FullName" text NOT NULL, "e mail" text);
