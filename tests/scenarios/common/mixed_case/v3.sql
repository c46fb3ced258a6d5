CREATE TABLE "User" ("Id" integer PRIMARY KEY, "FullName" varchar(200) NOT NULL, "e mail" text NOT NULL, "LastLogin" timestamp);
CREATE INDEX "IX User Name" ON "User" ("FullName", "e mail");
CREATE TABLE "Group Members" (
  "User Id" integer NOT NULL REFERENCES "User" ("Id") ON DELETE CASCADE,
  "Role Name" text NOT NULL,
  PRIMARY KEY ("User Id", "Role Name")
);
