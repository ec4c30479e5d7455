-- Full-text search (docs/search.md). Text is tokenized in JS
-- (src/search/tokenize.ts: CJK bigrams, whole Latin/digit words) and stored
-- space-separated; the 'ascii' tokenizer only splits it on spaces again.
--
-- rowid is a document key, not article.id: (issue date, publication,
-- reading order) packed into one integer (src/search/indexer.ts), so that
-- newest-first order, date ranges, paper and embargo filters are answered
-- from the rowid without joining every match.
--
-- Contentless: the articles table holds the text; snippets are made from it.
-- prefix='1' (characters, not bytes) indexes every token's first character, so
-- a one-character query ("铁"*: 铁 and every bigram 铁X) is one lookup.
CREATE VIRTUAL TABLE article_fts USING fts5(
  title,                 -- kicker, title and subtitle
  body,                  -- text blocks and image captions
  content = '',
  contentless_delete = 1,
  tokenize = 'ascii',
  prefix = '1'
);
-- Relevance is bm25(article_fts, 10.0, 1.0) in src/search/searcher.ts: a title
-- match weighs ten body matches.
