-- A paper's footer lines (docs/import-format.md, "publication"): who
-- publishes it (主办), its copyright line (版权) and how to reach the
-- newsroom (联系). Optional: papers imported before have none.
ALTER TABLE publication ADD COLUMN publisher TEXT;
ALTER TABLE publication ADD COLUMN copyright TEXT;
ALTER TABLE publication ADD COLUMN contact  TEXT;
