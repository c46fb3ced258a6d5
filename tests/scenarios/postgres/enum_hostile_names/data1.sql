INSERT INTO "We""ird"."Mo$strata$od_new" VALUES ('it''s', '{plain,it''s}'), ('plain', NULL);
