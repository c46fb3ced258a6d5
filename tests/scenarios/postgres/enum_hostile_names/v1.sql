-- Values removed from and reordered in an enum type whose schema, name, values and columns are hostile (quotes, $strata$, a table named like the new type, a column named like the check's variable).
CREATE SCHEMA "We""ird";
CREATE TYPE "We""ird"."Mo$strata$od" AS ENUM ('it''s', '$strata$', 'plain');
CREATE TABLE "We""ird"."Mo$strata$od_new" (
  "held" "We""ird"."Mo$strata$od" DEFAULT 'it''s',
  "r" "We""ird"."Mo$strata$od"[],
  CHECK ("held" <> '$strata$' OR "r" IS NULL)
);
