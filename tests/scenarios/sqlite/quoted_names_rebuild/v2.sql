CREATE TABLE "Groups" ("Key" INTEGER PRIMARY KEY, "Name" TEXT);
CREATE TABLE "Order Items" (
  "Id" INTEGER PRIMARY KEY,
  "select" TEXT NOT NULL,
  "Group" INTEGER REFERENCES "Groups" ("Key") ON DELETE CASCADE
);
CREATE INDEX "Idx Select" ON "Order Items" ("select");
