-- Search index, second layout (docs/search.md, "Storage"): three FTS5 tables
-- keyed by the same document key (src/search/indexer.ts).
--
-- article_fts: CJK bigrams, whole words and word+character pairs ("20号")
-- with positions, for phrases.
-- body is column 0: FTS5 writes a column marker (2 bytes) before the
-- positions of every column but the first, and nearly every posting is a body
-- posting. No prefix index: it stored every position a second time (the
-- index shrank from 2.63x to 1.14x the text it indexes without it).
DROP TABLE IF EXISTS article_fts;
CREATE VIRTUAL TABLE article_fts USING fts5(
  body,                  -- text blocks and image captions
  title,                 -- kicker, title and subtitle
  content = '',
  contentless_delete = 1,
  tokenize = 'ascii'
);

-- article_chars: each article's distinct CJK characters, without positions
-- (detail = 'none'): answers one-character queries.
CREATE VIRTUAL TABLE article_chars USING fts5(
  chars,
  content = '',
  contentless_delete = 1,
  tokenize = 'ascii',
  detail = 'none'
);

-- article_titles: the title column again, small, with a one-character prefix
-- index, so "the newest matches whose title holds every term" is a short walk
-- for any query (relevance of broad queries, src/search/searcher.ts).
CREATE VIRTUAL TABLE article_titles USING fts5(
  title,
  content = '',
  contentless_delete = 1,
  tokenize = 'ascii',
  prefix = '1'
);

-- The tables are filled by JS (the tokenizer is JS): upgradeDatabase()
-- rebuilds the index after this migration when the flag is set.
INSERT INTO site_meta (key, value) VALUES ('search_index_stale', '1')
  ON CONFLICT (key) DO UPDATE SET value = '1';
