-- drop "pets" table
DROP TABLE "pets";
-- drop "users" table
DROP TABLE "users";
