-- Core data model: publications, their issues, the pages of an issue and the
-- articles drawn on a page. Dates are ISO strings (YYYY-MM-DD) so that they
-- sort and compare as text; instants are Unix epoch milliseconds (UTC).

CREATE TABLE publication (
  id          INTEGER PRIMARY KEY,
  slug        TEXT NOT NULL UNIQUE CHECK (slug GLOB '[a-z0-9]*' AND slug NOT GLOB '*[^a-z0-9-]*'),
  name        TEXT NOT NULL,
  description TEXT,
  language    TEXT NOT NULL DEFAULT 'zh-CN',
  timezone    TEXT NOT NULL DEFAULT 'Asia/Shanghai'
);

CREATE TABLE issue (
  id             INTEGER PRIMARY KEY,
  publication_id INTEGER NOT NULL REFERENCES publication(id) ON DELETE CASCADE,
  date           TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  number         INTEGER CHECK (number IS NULL OR number > 0),
  publish_at     INTEGER NOT NULL,           -- embargo: invisible to readers before this instant
  modified_at    INTEGER NOT NULL,           -- bumped by every (re-)import
  page_count     INTEGER NOT NULL,
  article_count  INTEGER NOT NULL,
  pdf_path       TEXT,                       -- whole issue merged from the page PDFs (media store path)
  pdf_size       INTEGER,
  UNIQUE (publication_id, date)
);
CREATE INDEX issue_by_date ON issue (date);
CREATE INDEX issue_by_publish_at ON issue (publish_at);

CREATE TABLE page (
  id           INTEGER PRIMARY KEY,
  issue_id     INTEGER NOT NULL REFERENCES issue(id) ON DELETE CASCADE,
  number       INTEGER NOT NULL CHECK (number BETWEEN 1 AND 99),
  name         TEXT NOT NULL,
  image_path   TEXT NOT NULL,                -- media store path, e.g. ab/abcdef….png
  image_width  INTEGER NOT NULL CHECK (image_width > 0),
  image_height INTEGER NOT NULL CHECK (image_height > 0),
  pdf_path     TEXT,
  UNIQUE (issue_id, number)
);

CREATE TABLE article (
  id          INTEGER PRIMARY KEY,
  issue_id    INTEGER NOT NULL REFERENCES issue(id) ON DELETE CASCADE,
  page_id     INTEGER NOT NULL REFERENCES page(id) ON DELETE CASCADE,
  page_number INTEGER NOT NULL,              -- denormalised from page for one-query reads
  position    INTEGER NOT NULL CHECK (position >= 1),  -- reading order within the page
  seq         INTEGER NOT NULL CHECK (seq >= 1),       -- reading order within the whole issue
  kicker      TEXT,
  title       TEXT NOT NULL,
  subtitle    TEXT,
  byline      TEXT,
  lead        TEXT NOT NULL DEFAULT '',      -- first paragraph, for descriptions and feeds
  body_json   TEXT NOT NULL,                 -- structured blocks, never HTML
  hotspot_json TEXT,                         -- [[x,y],...] in page image pixels
  image_path  TEXT,                          -- first photo, for og:image
  char_count  INTEGER NOT NULL DEFAULT 0,
  UNIQUE (page_id, position),
  UNIQUE (issue_id, seq)
);
CREATE INDEX article_by_issue_page ON article (issue_id, page_number, position);

-- Every media file the store holds, by content hash.
CREATE TABLE media (
  path         TEXT PRIMARY KEY,             -- e.g. ab/abcdef0123….png
  content_type TEXT NOT NULL,
  size         INTEGER NOT NULL,
  width        INTEGER,
  height       INTEGER
);

-- Site-wide values, e.g. content_version which every import bumps so that
-- caches of rendered pages know they are stale.
CREATE TABLE site_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO site_meta (key, value) VALUES ('content_version', '0');
