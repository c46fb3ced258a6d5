-- What strata creates on SQLite for entities annotated with entsql::Schema (namespace schemas in
-- tests/unit/ent_conventions_test.cpp; see postgres.sql): SQLite has one schema, so the
-- annotation changes nothing and these are ent's tables for the same edges (graph.go resolve,
-- Tables).

-- create "customers" table
CREATE TABLE `customers` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL);
-- create "invoices" table
CREATE TABLE `invoices` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `amount` real NOT NULL, `customer_invoices` integer NOT NULL, CONSTRAINT `invoices_customers_invoices` FOREIGN KEY (`customer_invoices`) REFERENCES `customers` (`id`) ON DELETE NO ACTION);
-- create "items" table
CREATE TABLE `items` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL);
-- create index "items_name_key" to table: "items"
CREATE UNIQUE INDEX `items_name_key` ON `items` (`name`);
-- create "invoice_items" table
CREATE TABLE `invoice_items` (`invoice_id` integer NOT NULL, `item_id` integer NOT NULL, PRIMARY KEY (`invoice_id`, `item_id`), CONSTRAINT `invoice_items_invoice_id` FOREIGN KEY (`invoice_id`) REFERENCES `invoices` (`id`) ON DELETE CASCADE, CONSTRAINT `invoice_items_item_id` FOREIGN KEY (`item_id`) REFERENCES `items` (`id`) ON DELETE CASCADE);
