CREATE SCHEMA "We""ird";
CREATE TYPE "We""ird"."Mo$strata$od" AS ENUM ('plain', 'it''s');
CREATE TABLE "We""ird"."Mo$strata$od_new" (
  "held" "We""ird"."Mo$strata$od" DEFAULT 'it''s',
  "r" "We""ird"."Mo$strata$od"[]
);
