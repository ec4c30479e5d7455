// Tokenization for Chinese full-text search (see docs/search.md).
//
// SQLite's own tokenizers cannot search Chinese well (unicode61 makes one token
// of a whole run of Han characters, trigram cannot match 1-2 characters), so
// the text is tokenized here and FTS5 only splits the result on spaces (the
// 'ascii' tokenizer: every non-ASCII character is a token character, ASCII
// punctuation and spaces separate tokens, and our tokens never contain either).
//
// Index side: every CJK character yields one token at its own position, the
// bigram of it and the next character when that one is CJK too, else the
// character alone. Runs of other letters and digits are one token each, and a
// word followed by CJK adds the word+character pair ("地铁20号线" -> 地铁 铁 20
// 20号 号线 线); everything else separates tokens.
//
// Query side: a term becomes an FTS5 phrase of the same tokens, so any
// substring of a CJK run of 2+ characters is found through its bigrams, and
// "20号" through its pair. A single character is found in article_chars,
// which holds each article's distinct characters without positions: a tenth
// of what a prefix index on the bigrams costs.

/** Longest query accepted, in characters (code points) after trimming. */
export const MAX_QUERY_LENGTH = 100;

/**
 * Work bounds. FTS5's cost is the length of the doclists a query walks, so
 * terms beyond MAX_TERMS are ignored, and a phrase keeps its first
 * MAX_PHRASE_TOKENS tokens (which can only widen the match, and only for text
 * that agrees on the first 33 or so characters). A character condition ("的")
 * has a doclist about as long as the archive, so a query gets at most
 * MAX_CHAR_TERMS of them; further terms that need one are ignored.
 */
export const MAX_TERMS = 5;
export const MAX_PHRASE_TOKENS = 32;
export const MAX_CHAR_TERMS = 2;

/** Longer words are cut so one odd string (a hash, a URL) cannot bloat the index. */
const MAX_WORD_LENGTH = 64;

// Character kinds (plain constants: ts-jest transpiles files in isolation).
const SEP = 0;
const CJK = 1;
const WORD = 2;
type Kind = typeof SEP | typeof CJK | typeof WORD;

// Scripts written without spaces between words, indexed by bigrams. 々〆〇 are
// Han; ー (U+30FC) is Common but part of katakana words.
const CJK_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}\u30fc]/u;
const WORD_RE = /[\p{L}\p{N}\p{M}]/u;

// Classifying with the regexes per character is slow; cache the BMP (0 = not
// computed yet, else Kind + 1).
const bmpKinds = new Uint8Array(0x10000);

function classify(cp: number): Kind {
  if (cp < 0x80) {
    // Fast path for ASCII: only letters and digits are token characters.
    if ((cp >= 0x61 && cp <= 0x7a) || (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a)) return WORD;
    return SEP;
  }
  if (cp < 0x10000) {
    const cached = bmpKinds[cp]!;
    if (cached !== 0) return (cached - 1) as Kind;
    // Lone surrogates are separators (they are not valid text).
    const k = cp >= 0xd800 && cp <= 0xdfff ? SEP : classifyChar(String.fromCharCode(cp));
    bmpKinds[cp] = k + 1;
    return k;
  }
  return classifyChar(String.fromCodePoint(cp));
}

function classifyChar(ch: string): Kind {
  if (CJK_RE.test(ch)) return CJK;
  if (WORD_RE.test(ch)) return WORD;
  return SEP;
}

/**
 * NFKC (full-width letters and digits, compatibility forms, half-width
 * katakana become their ordinary forms) then lower case. Traditional and
 * simplified characters are left as written.
 */
export function normalizeForSearch(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}

/** A run of same-kind characters of normalized text. */
interface Run {
  kind: typeof CJK | typeof WORD;
  chars: string[]; // code points
}

function runsOf(normalized: string): Run[] {
  const runs: Run[] = [];
  let cur: Run | null = null;
  for (const ch of normalized) {
    const k = classify(ch.codePointAt(0)!);
    if (k === SEP) {
      cur = null;
      continue;
    }
    if (cur === null || cur.kind !== k) {
      cur = { kind: k as typeof CJK | typeof WORD, chars: [] };
      runs.push(cur);
    }
    cur.chars.push(ch);
  }
  return runs;
}

function wordToken(chars: string[]): string {
  return (chars.length > MAX_WORD_LENGTH ? chars.slice(0, MAX_WORD_LENGTH) : chars).join('');
}

/**
 * The tokens of `s` for article_fts, separated by spaces. Where a word token
 * is followed by a CJK run, the pair of the word and the run's first
 * character is one more token between them ("20号线" → 20 20号 号线 线): a
 * query ending in one CJK character after a word ("20号") is then an exact
 * phrase, which bigrams alone could only answer with a prefix token. `chars`,
 * when given, collects the distinct CJK characters.
 */
export function tokenizeForIndex(s: string, chars?: Set<string>): string {
  const out: string[] = [];
  let prevWord: string | null = null;
  for (const run of runsOf(normalizeForSearch(s))) {
    if (run.kind === WORD) {
      prevWord = wordToken(run.chars);
      out.push(prevWord);
      continue;
    }
    const c = run.chars;
    if (prevWord !== null) out.push(prevWord + c[0]!);
    prevWord = null;
    for (let i = 0; i < c.length; i++) {
      chars?.add(c[i]!);
      out.push(i + 1 < c.length ? c[i]! + c[i + 1]! : c[i]!);
    }
  }
  return out.join(' ');
}

/**
 * What one article puts in the three search tables (migrations/003_search_tables.sql):
 * strings, or their UTF-8 bytes (FTS5 reads a blob's bytes as the text).
 */
export interface IndexedText<T extends string | Buffer = string> {
  /** article_fts / article_titles title column: tokens of kicker, title and subtitle. */
  title: T;
  /** article_fts body column. */
  body: T;
  /**
   * article_chars: every distinct CJK character, as position-less tokens:
   * answers one-character queries, which bigrams cannot without a prefix
   * index.
   */
  chars: T;
}

export function indexedText(title: string, body: string): IndexedText {
  const chars = new Set<string>();
  return { title: tokenizeForIndex(title, chars), body: tokenizeForIndex(body, chars), chars: [...chars].join(' ') };
}

interface QueryToken {
  text: string;
  prefix: boolean;
  /**
   * Set on the last character of a CJK run that a separator parts from the
   * next CJK run in the query: the text may have them joined (中国经济 for
   * "中国 经济"), where its token is this bigram instead.
   */
  joined?: string;
}

/** How one query term is matched. */
interface TermPlan {
  /** Tokens at consecutive positions in article_fts (empty: none). */
  tokens: QueryToken[];
  /** An article_chars token the article must also hold, or null. */
  char: string | null;
  /** The phrase for article_titles, whose prefix index allows a last prefix token. */
  titleTokens: QueryToken[];
}

/**
 * The tokens a term must match at consecutive positions, as tokenizeForIndex() made
 * them. A CJK run needs its bigrams, plus its last character as a token of
 * its own when something follows in the term: there the text's token is that
 * character alone, as it is followed by a word or a separator (so a separator
 * inside a term matches a separator in the text, not its absence; see
 * `joined` for two CJK runs). A term ending in one CJK character is the case
 * bigrams cannot answer exactly (the text's token there is that character plus
 * whatever follows it): after a word the word+character token covers it
 * ("20号" → 20 20号); after a separator or alone the character becomes an
 * article_chars condition (exact alone, approximate after a separator: the
 * character anywhere in the article).
 */
function planTerm(runs: Run[]): TermPlan {
  const tokens: QueryToken[] = [];
  let char: string | null = null;
  runs.forEach((run, r) => {
    const next = runs[r + 1];
    if (run.kind === WORD) {
      const w = wordToken(run.chars);
      // The word+character token only ever follows its word: a phrase can
      // start with it alone (rarer than the word, a shorter doclist).
      if (r > 0 || next?.kind !== CJK) tokens.push({ text: w, prefix: false });
      if (next?.kind === CJK) tokens.push({ text: w + next.chars[0]!, prefix: false });
      return;
    }
    const c = run.chars;
    for (let i = 0; i + 1 < c.length; i++) tokens.push({ text: c[i]! + c[i + 1]!, prefix: false });
    const last = c[c.length - 1]!;
    if (next) tokens.push(next.kind === CJK ? { text: last, prefix: false, joined: last + next.chars[0]! } : { text: last, prefix: false });
    else if (c.length === 1 && runs[r - 1]?.kind !== WORD) char = last;
  });
  const trailing = char !== null ? [{ text: char, prefix: true }] : [];
  return { tokens, char, titleTokens: [...tokens, ...trailing] };
}

// ASCII double quote (full-width ＂ becomes one through NFKC) and the quotation
// marks of Chinese input methods.
const QUOTES = new Set(['"', '\u201c', '\u201d', '\u300c', '\u300d', '\u300e', '\u300f']);

/** Length in characters (code points), as MAX_QUERY_LENGTH counts. */
export function queryLength(q: string): number {
  const s = q.trim();
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A surrogate pair is one character; a lone surrogate counts as one too.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

export function isQueryTooLong(q: string): boolean {
  return queryLength(q) > MAX_QUERY_LENGTH;
}

export interface ParsedQuery {
  /** Normalized user terms (a quoted phrase is one term), for highlighting. */
  terms: string[];
  /** article_fts phrases, one per term that has one; every token is quoted, so user text is never syntax. */
  phrases: string[];
  /** article_chars tokens (CJK characters) the article must hold. */
  chars: string[];
  /** article_titles MATCH expression: every term in the title. */
  title: string;
}

/** Separators between CJK characters in one term that are matched both ways (joined or not); beyond, as typed. */
export const MAX_JOINABLE = 2;

/**
 * The FTS5 expression of a term's tokens: one phrase, or the OR of its
 * variants with the first MAX_JOINABLE separated CJK runs joined or not.
 */
function phraseOf(tokens: readonly QueryToken[]): string {
  const phrase = (ts: readonly QueryToken[]): string => ts.map((t) => `"${t.text}"${t.prefix ? '*' : ''}`).join(' + ');
  const joinable = tokens.flatMap((t, i) => (t.joined !== undefined ? [i] : [])).slice(0, MAX_JOINABLE);
  if (joinable.length === 0) return phrase(tokens);
  const variants: string[] = [];
  for (let mask = 0; mask < 1 << joinable.length; mask++) {
    const ts = tokens.map((t, i) => {
      const bit = joinable.indexOf(i);
      return bit >= 0 && mask & (1 << bit) ? { text: t.joined!, prefix: false } : t;
    });
    variants.push(`(${phrase(ts)})`);
  }
  return `(${variants.join(' OR ')})`;
}

/**
 * Parses a user query: terms separated by white space are ANDed, text in
 * double quotes is one phrase (an unbalanced quote runs to the end), and
 * everything that is neither a letter, a digit nor CJK only separates tokens.
 * Returns null when nothing searchable remains or the query is too long.
 */
export function parseSearchQuery(q: string): ParsedQuery | null {
  if (typeof q !== 'string') return null;
  const trimmed = q.trim();
  if (queryLength(trimmed) > MAX_QUERY_LENGTH) return null;
  const s = normalizeForSearch(trimmed);

  const rawTerms: string[] = [];
  let buf = '';
  let quoted = false;
  const flush = (): void => {
    if (buf.trim() !== '') rawTerms.push(buf.trim().replace(/\s+/gu, ' '));
    buf = '';
  };
  for (const ch of s) {
    if (QUOTES.has(ch)) {
      flush();
      quoted = !quoted;
    } else if (!quoted && /\s/u.test(ch)) {
      flush();
    } else {
      buf += ch;
    }
  }
  flush();

  const parsed: ParsedQuery = { terms: [], phrases: [], chars: [], title: '' };
  const titlePhrases: string[] = [];
  const seen = new Set<string>();
  for (const term of rawTerms) {
    if (parsed.terms.length === MAX_TERMS) break;
    const runs = runsOf(term);
    if (runs.length === 0) continue;
    const plan = planTerm(runs);
    if (plan.char !== null && parsed.chars.length === MAX_CHAR_TERMS) continue;
    const phrase = phraseOf(plan.tokens.slice(0, MAX_PHRASE_TOKENS));
    const key = `${phrase}\u0000${plan.char ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    parsed.terms.push(term);
    if (phrase !== '') parsed.phrases.push(phrase);
    if (plan.char !== null) parsed.chars.push(`"${plan.char}"`);
    titlePhrases.push(phraseOf(plan.titleTokens.slice(0, MAX_PHRASE_TOKENS)));
  }
  if (parsed.terms.length === 0) return null;
  parsed.title = titlePhrases.join(' AND ');
  return parsed;
}

/**
 * The pieces of a term to highlight: its runs of token characters, each with
 * whether it starts/ends with a word (non-CJK) character, so the highlighter
 * can insist on word boundaries there as the index does.
 */
export interface HighlightPiece {
  text: string;
  wordStart: boolean;
  wordEnd: boolean;
}

export function highlightPieces(term: string): HighlightPiece[] {
  const pieces: HighlightPiece[] = [];
  let cur = '';
  let first: Kind = SEP;
  let last: Kind = SEP;
  const flush = (): void => {
    if (cur !== '') pieces.push({ text: cur, wordStart: first === WORD, wordEnd: last === WORD });
    cur = '';
  };
  for (const ch of normalizeForSearch(term)) {
    const k = classify(ch.codePointAt(0)!);
    if (k === SEP) {
      flush();
      continue;
    }
    if (cur === '') first = k;
    last = k;
    cur += ch;
  }
  flush();
  return pieces;
}

/** Whether a character (code point) is a word (non-CJK letter/digit) character. */
export function isWordChar(cp: number): boolean {
  return classify(cp) === WORD;
}
