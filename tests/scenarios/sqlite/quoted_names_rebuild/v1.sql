-- Table rebuilds of tables whose names need quoting (spaces, mixed case, reserved words), with rows and FKs.
CREATE TABLE "Groups" ("Key" INTEGER PRIMARY KEY, "Name" TEXT);
CREATE TABLE "Order Items" ("Id" INTEGER PRIMARY KEY, "select" TEXT, "Group" INTEGER);
CREATE INDEX "Idx Select" ON "Order Items" ("select");
