-- FTS5 merges a level's segments once `automerge` of them accumulate
-- (default 4). Merging 16 at a time rewrites each posting about half as often
-- over the life of the index: a bulk import of 100,000 articles went from
-- ~1,520 to ~2,090 articles/s (with the importer's larger page cache and
-- checkpoint interval, src/importer/index.ts), while the search bench showed
-- no change in latency or index size at 100,000 articles (docs/performance.md).
INSERT INTO article_fts (article_fts, rank) VALUES ('automerge', 16);
INSERT INTO article_chars (article_chars, rank) VALUES ('automerge', 16);
INSERT INTO article_titles (article_titles, rank) VALUES ('automerge', 16);
