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

import { stripZeroWidth } from '../domain/text-hygiene';

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
 * The one normaliser of index text and queries: zero-width characters
 * removed (src/domain/text-hygiene.ts: 杨\u200d浦 is 杨浦), NFKC (full-width
 * letters and digits, compatibility forms, half-width katakana become their
 * ordinary forms: ＲＣＥＰ is RCEP, ２０２６ is 2026), then lower case.
 * Traditional and simplified characters are left as written.
 */
export function normalizeForSearch(s: string): string {
  return stripZeroWidth(s).normalize('NFKC').toLowerCase();
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

/** UTF-8 bytes appended to a buffer that grows as needed. */
class ByteWriter {
  bytes: Buffer;
  length = 0;

  constructor(capacity: number) {
    this.bytes = Buffer.allocUnsafeSlow(Math.max(256, capacity)); // unpooled: its ArrayBuffer can be transferred
  }

  /** Room for `n` more bytes. */
  reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, this.length + n));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }

  /** One code point (never a lone surrogate: those are separators), at most 4 bytes; reserve() first. */
  codePoint(cp: number): void {
    const b = this.bytes;
    if (cp < 0x80) b[this.length++] = cp;
    else if (cp < 0x800) {
      b[this.length++] = 0xc0 | (cp >> 6);
      b[this.length++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      b[this.length++] = 0xe0 | (cp >> 12);
      b[this.length++] = 0x80 | ((cp >> 6) & 0x3f);
      b[this.length++] = 0x80 | (cp & 0x3f);
    } else {
      b[this.length++] = 0xf0 | (cp >> 18);
      b[this.length++] = 0x80 | ((cp >> 12) & 0x3f);
      b[this.length++] = 0x80 | ((cp >> 6) & 0x3f);
      b[this.length++] = 0x80 | (cp & 0x3f);
    }
  }
}

/**
 * The distinct CJK characters of one article, in first-seen order. One
 * instance serves many articles (next()): a stamp per BMP code point is
 * cheaper than a Set, which took two fifths of the tokenizer's time.
 */
class DistinctChars {
  private readonly stamps = new Uint32Array(0x10000);
  private stamp = 1;
  private readonly astral = new Set<number>();
  readonly list: number[] = [];

  add(cp: number): void {
    if (cp < 0x10000) {
      if (this.stamps[cp] === this.stamp) return;
      this.stamps[cp] = this.stamp;
    } else {
      if (this.astral.has(cp)) return;
      this.astral.add(cp);
    }
    this.list.push(cp);
  }

  /** Forgets the characters seen so far. */
  next(): void {
    this.stamp += 1;
    this.astral.clear();
    this.list.length = 0;
  }
}

/**
 * Appends the tokens of `s` for article_fts, separated by spaces, as UTF-8.
 * Where a word token is followed by a CJK run, the pair of the word and the
 * run's first character is one more token between them ("20号线" → 20 20号
 * 号线 线): a query ending in one CJK character after a word ("20号") is then
 * an exact phrase, which bigrams alone could only answer with a prefix token.
 * `chars` collects the distinct CJK characters (code points).
 *
 * The tokens are those runsOf() and wordToken() make for the query side,
 * written as bytes in one pass: an import tokenizes every article, and
 * building strings per character took most of its worker thread's time.
 */
function writeIndexTokens(s: string, out: ByteWriter, chars: DistinctChars | null): void {
  const t = normalizeForSearch(s);
  const n = t.length;
  const start = out.length;
  // Bytes of the last token when the last run was a word (-1: it was not).
  let wordStart = -1;
  let wordEnd = -1;
  let i = 0;
  while (i < n) {
    let cp = t.codePointAt(i)!;
    const kind = classify(cp);
    if (kind === SEP) {
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    out.reserve(1);
    if (out.length > start) out.bytes[out.length++] = 0x20;
    if (kind === WORD) {
      wordStart = out.length;
      for (let count = 0; ; count++) {
        if (count < MAX_WORD_LENGTH) {
          out.reserve(4);
          out.codePoint(cp);
        }
        i += cp > 0xffff ? 2 : 1;
        if (i >= n) break;
        cp = t.codePointAt(i)!;
        if (classify(cp) !== WORD) break;
      }
      wordEnd = out.length;
      continue;
    }
    if (wordStart >= 0) {
      const wordLength = wordEnd - wordStart;
      out.reserve(wordLength + 5);
      out.bytes.copy(out.bytes, out.length, wordStart, wordEnd);
      out.length += wordLength;
      out.codePoint(cp);
      out.bytes[out.length++] = 0x20;
      wordStart = -1;
    }
    // The CJK run: each character with the next one, the last one alone.
    for (;;) {
      chars?.add(cp);
      out.reserve(9);
      out.codePoint(cp);
      i += cp > 0xffff ? 2 : 1;
      const next = i < n ? t.codePointAt(i)! : -1;
      if (next === -1 || classify(next) !== CJK) break;
      out.codePoint(next);
      out.bytes[out.length++] = 0x20;
      cp = next;
    }
  }
}

/** The tokens of `s` for article_fts, separated by spaces (writeIndexTokens()). */
export function tokenizeForIndex(s: string): string {
  const out = new ByteWriter(s.length * 8);
  writeIndexTokens(s, out, null);
  return out.bytes.toString('utf8', 0, out.length);
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

/** The text an article's index entries are made of. */
export interface IndexSource {
  title: string;
  body: string;
}

/**
 * The index text of many articles as UTF-8 in one buffer, with the end of
 * each article's title, body and chars in turn: what an import worker hands
 * the writing thread, which binds views of it (decodeIndexTexts()) without
 * converting a string, and the buffer moves between threads without a copy.
 */
export interface EncodedIndexTexts {
  bytes: Uint8Array;
  ends: number[];
}

export function encodeIndexTexts(sources: readonly IndexSource[]): EncodedIndexTexts {
  const out = new ByteWriter(sources.reduce((n, a) => n + (a.title.length + a.body.length) * 9, 0));
  const ends: number[] = [];
  const chars = new DistinctChars();
  for (const a of sources) {
    chars.next();
    writeIndexTokens(a.title, out, chars);
    ends.push(out.length);
    writeIndexTokens(a.body, out, chars);
    ends.push(out.length);
    chars.list.forEach((cp, k) => {
      out.reserve(5);
      if (k > 0) out.bytes[out.length++] = 0x20;
      out.codePoint(cp);
    });
    ends.push(out.length);
  }
  return { bytes: out.bytes.subarray(0, out.length), ends };
}

/** Views of each article's index text in an encoding's buffer. */
export function decodeIndexTexts({ bytes, ends }: EncodedIndexTexts): IndexedText<Buffer>[] {
  const view = (k: number) => Buffer.from(bytes.buffer, bytes.byteOffset + (ends[k - 1] ?? 0), ends[k]! - (ends[k - 1] ?? 0));
  const texts: IndexedText<Buffer>[] = [];
  for (let k = 0; k < ends.length; k += 3) texts.push({ title: view(k), body: view(k + 1), chars: view(k + 2) });
  return texts;
}

export function indexedText(title: string, body: string): IndexedText {
  const [text] = decodeIndexTexts(encodeIndexTexts([{ title, body }]));
  return { title: text!.title.toString(), body: text!.body.toString(), chars: text!.chars.toString() };
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
