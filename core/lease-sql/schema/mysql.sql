-- Kea schema 14.0 for MySQL/MariaDB, as Ruru creates it (tables filled in by the schema work).
CREATE TABLE schema_version (version INT PRIMARY KEY NOT NULL, minor INT) ENGINE = InnoDB;
INSERT INTO schema_version VALUES (14, 0);
