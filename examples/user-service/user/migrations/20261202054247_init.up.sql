-- create "users" table
CREATE TABLE "users" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  "name" TEXT NOT NULL,
  "age" INTEGER NOT NULL
);
-- create "pets" table
CREATE TABLE "pets" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  "name" TEXT NOT NULL,
  "user_pets" INTEGER,
  CONSTRAINT "pets_users_pets" FOREIGN KEY ("user_pets") REFERENCES "users" ("id") ON DELETE SET NULL
);
