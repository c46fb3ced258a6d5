-- What ent v0.14 creates on SQLite for long names (namespace long_names in
-- tests/unit/ent_conventions_test.cpp; see postgres.sql for the schema and the hashes).
--
-- Rule (sqlschema/atlas.go Atlas.symbol, notes §3.1): on SQLite the limit is 64, so index and
-- foreign-key names longer than that keep 31 bytes before "_" and the MD5 (fixture:
-- dialect/sql/schema/migrate_test.go, "long_" + 60 underscores). SQLite keeps every other name
-- whole.

-- create "organization_administrators" table
CREATE TABLE `organization_administrators` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL);
-- create "organization_membership_invitations" table
CREATE TABLE `organization_membership_invitations` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `notification_preference_identifier` text NOT NULL, `invitation_acceptance_deadline_timestamp` datetime NOT NULL, `organization_administrator_sent_organization_membership_invitations` integer NULL, CONSTRAINT `organization_membership_invitat_6b2bcb0fb06be8414e6eda3fb1119de1` FOREIGN KEY (`organization_administrator_sent_organization_membership_invitations`) REFERENCES `organization_administrators` (`id`) ON DELETE SET NULL);
-- create index "organization_membership_invitations_notification_preference_identifier_key" to table: "organization_membership_invitations"
CREATE UNIQUE INDEX `organization_membership_invitations_notification_preference_identifier_key` ON `organization_membership_invitations` (`notification_preference_identifier`);
-- create index "organizationmembershipinvitatio_b0a1f8cba8de46f34509df50df3e00d2" to table: "organization_membership_invitations"
CREATE INDEX `organizationmembershipinvitatio_b0a1f8cba8de46f34509df50df3e00d2` ON `organization_membership_invitations` (`notification_preference_identifier`, `invitation_acceptance_deadline_timestamp`);
-- create "organization_administrator_supervised_organization_membership_invitations" table
CREATE TABLE `organization_administrator_supervised_organization_membership_invitations` (`organization_administrator_id` integer NOT NULL, `organization_membership_invitation_id` integer NOT NULL, PRIMARY KEY (`organization_administrator_id`, `organization_membership_invitation_id`), CONSTRAINT `organization_administrator_supe_b816bbf0ba3a2ce1757331e520609cc2` FOREIGN KEY (`organization_administrator_id`) REFERENCES `organization_administrators` (`id`) ON DELETE CASCADE, CONSTRAINT `organization_administrator_supe_711458f9baf86c63458b4f7fd0ebee43` FOREIGN KEY (`organization_membership_invitation_id`) REFERENCES `organization_membership_invitations` (`id`) ON DELETE CASCADE);
