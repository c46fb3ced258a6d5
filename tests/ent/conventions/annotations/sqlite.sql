-- What ent v0.14 creates on SQLite for table annotations (namespace annotations in
-- tests/unit/ent_conventions_test.cpp; see postgres.sql for the schema and the rules). SQLite
-- leaves the unnamed checks unnamed.

-- create "cars" table
CREATE TABLE `cars` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `model` text NOT NULL, `year` integer NOT NULL, `person_cars` integer NULL, CONSTRAINT `cars_people_cars` FOREIGN KEY (`person_cars`) REFERENCES `people` (`id`) ON DELETE SET NULL, CHECK (length(model) > 0 AND year > 1900));
-- create "people" table
CREATE TABLE `people` (`id` integer NOT NULL PRIMARY KEY AUTOINCREMENT, `name` text NOT NULL, `age` integer NOT NULL, `guardian` text NULL, CHECK (age >= 0), CONSTRAINT `adult_or_guardian` CHECK (age >= 18 OR guardian IS NOT NULL), CONSTRAINT `name_not_empty` CHECK (name <> ''));
