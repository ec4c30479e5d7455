-- Where an article was printed (docs/import-format.md, "continuations"). A
-- story that continues on another 版 (转版: 下转第3版 … 上接第1版) is one
-- article with a region on each page it touches: ord 1 is the part on the
-- article's own page (article.page_id, whose hotspot it is), ord 2.. the
-- continuations in reading order. Every region's hotspot leads to the one
-- article URL. A region's polygon may be NULL: the part was printed there,
-- but its outline is not known (an article without a hotspot).
CREATE TABLE article_region (
  article_id   INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
  ord          INTEGER NOT NULL CHECK (ord >= 1),
  page_id      INTEGER NOT NULL REFERENCES page(id) ON DELETE CASCADE,
  page_number  INTEGER NOT NULL,             -- denormalised from page, as in article
  polygon_json TEXT,                         -- [[x,y],...] in page image pixels
  PRIMARY KEY (article_id, ord),
  UNIQUE (article_id, page_id)
) WITHOUT ROWID;
-- The page view reads the continuations printed on a page.
CREATE INDEX article_region_by_page ON article_region (page_id, article_id);

-- Every article imported so far has one region: its hotspot on its own page.
INSERT INTO article_region (article_id, ord, page_id, page_number, polygon_json)
SELECT id, 1, page_id, page_number, hotspot_json FROM article;
