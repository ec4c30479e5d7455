-- A paper's logo for the masthead (docs/import-format.md, "publication"):
-- a media store file, its pixel size in the media row. Optional: without
-- one the masthead sets the paper's name in type.
ALTER TABLE publication ADD COLUMN logo_path TEXT REFERENCES media(path);
