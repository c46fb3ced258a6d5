CREATE TABLE "User" ("Id" integer PRIMARY KEY, "FullName" text NOT NULL, "e mail" text, "LastLogin" timestamp);
CREATE INDEX "IX User Name" ON "User" ("FullName");
CREATE TABLE "Group Members" (
  "User Id" integer NOT NULL REFERENCES "User" ("Id"),
  "Role Name" text NOT NULL,
  PRIMARY KEY ("User Id", "Role Name")
);
