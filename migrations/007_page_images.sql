-- What the import derives from each page image (docs/import-format.md,
-- "Renditions and tiles"). Both tables hang off page rows, which a re-import
-- deletes and writes afresh in the issue's transaction: an issue's
-- renditions and tiles are replaced with it, atomically. The files
-- themselves stay in the media store (content-derived names, immutable).

-- A page's renditions: each a file of the media store, whose bytes and pixel
-- size the media row holds; its format follows from the media row's type.
CREATE TABLE page_rendition (
  page_id INTEGER NOT NULL REFERENCES page(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL CHECK (purpose IN ('page', 'thumbnail')),
  path    TEXT NOT NULL REFERENCES media(path),
  PRIMARY KEY (page_id, purpose, path)
) WITHOUT ROWID;

-- Static IIIF Image API 3 level-0 tile sets: media store folder iiif/{id}/,
-- served at /iiif/{id}/info.json. The id derives from the master's content
-- and the tiling recipe, so pages with the same image share one set.
CREATE TABLE tile_set (
  id        TEXT PRIMARY KEY CHECK (length(id) = 32 AND id NOT GLOB '*[^0-9a-f]*'),
  width     INTEGER NOT NULL CHECK (width > 0),
  height    INTEGER NOT NULL CHECK (height > 0),
  tile_size INTEGER NOT NULL CHECK (tile_size > 0),
  files     INTEGER NOT NULL CHECK (files > 0),      -- tiles and info.json
  bytes     INTEGER NOT NULL CHECK (bytes > 0)
) WITHOUT ROWID;

CREATE TABLE page_tiles (
  page_id     INTEGER PRIMARY KEY REFERENCES page(id) ON DELETE CASCADE,
  tile_set_id TEXT NOT NULL REFERENCES tile_set(id)
);
