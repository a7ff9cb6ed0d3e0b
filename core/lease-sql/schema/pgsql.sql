-- Kea schema 13.0 for PostgreSQL, as Ruru creates it (tables filled in by the schema work).
CREATE TABLE schema_version (version INT PRIMARY KEY NOT NULL, minor INT);
INSERT INTO schema_version VALUES (13, 0);
