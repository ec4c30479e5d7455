-- What the importer found out about an article laid out on its page, when it
-- came from a page PDF or a scan (docs/import-format.md): how sure the
-- segmentation was, and the boxes of its text on the page image, so that a
-- search hit can be drawn there. boxes packs one 14-byte little-endian record
-- per glyph run (OCR word): text offset u32, length u16, x, y, w, h u16 in
-- page image pixels; offsets count in the text src/importer/pdf/layout.ts
-- articleText() builds.
CREATE TABLE article_layout (
  article_id INTEGER PRIMARY KEY REFERENCES article(id) ON DELETE CASCADE,
  confidence REAL CHECK (confidence IS NULL OR confidence BETWEEN 0 AND 1),
  boxes      BLOB
);
