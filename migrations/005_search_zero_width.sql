-- The search normaliser now removes zero-width characters before tokenizing
-- (src/search/tokenize.ts, normalizeForSearch): text stored before the
-- importer cleaned them (杨<U+200D>浦) was indexed as two separate characters
-- and not found by 杨浦. The index is JS-tokenized, so it is rebuilt by
-- upgradeDatabase() after this migration.
INSERT INTO site_meta (key, value) VALUES ('search_index_stale', '1')
  ON CONFLICT (key) DO UPDATE SET value = '1';
