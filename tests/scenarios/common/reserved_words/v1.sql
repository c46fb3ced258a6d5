-- Reserved words as table, column, index and constraint names.
CREATE TABLE "user" ("group" integer PRIMARY KEY, "table" text);
CREATE TABLE "order" ("select" integer PRIMARY KEY, "from" text NOT NULL, "where" text);
