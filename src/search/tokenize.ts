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
// character alone ("地铁20号线" -> 地铁 铁 20 号线 线). Runs of other letters and
// digits are one token each; everything else separates tokens.
//
// Query side: a term becomes an FTS5 phrase of the same tokens, so any
// substring of a CJK run of 2+ characters is found through its bigrams, and a
// single character through a prefix token ("铁"* matches 铁 and 铁X), which the
// table's prefix='1' index answers with one lookup.

/** Longest query accepted, in characters (code points) after trimming. */
export const MAX_QUERY_LENGTH = 100;

/**
 * Work bounds. FTS5's cost is the length of the doclists a query walks, so
 * terms beyond MAX_TERMS are ignored, and a phrase keeps its first
 * MAX_PHRASE_TOKENS tokens (which can only widen the match, and only for text
 * that agrees on the first 33 or so characters). A one-character prefix token
 * ("的"*) walks a doclist as long as the whole archive, so a query gets at
 * most MAX_PREFIX_TOKENS of them: a term that would exceed that is retried
 * with the separators between its CJK characters removed ("的 是 在" as
 * 的是在), and is ignored if that does not help.
 */
export const MAX_TERMS = 5;
export const MAX_PHRASE_TOKENS = 32;
export const MAX_PREFIX_TOKENS = 2;

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

/** Text to store in the FTS5 table: the tokens of `s`, separated by spaces. */
export function tokenizeForIndex(s: string): string {
  const out: string[] = [];
  for (const run of runsOf(normalizeForSearch(s))) {
    if (run.kind === WORD) {
      out.push(wordToken(run.chars));
      continue;
    }
    const c = run.chars;
    for (let i = 0; i < c.length; i++) out.push(i + 1 < c.length ? c[i]! + c[i + 1]! : c[i]!);
  }
  return out.join(' ');
}

interface QueryToken {
  text: string;
  prefix: boolean;
}

/**
 * The tokens a term must match at consecutive positions. For a CJK run the
 * bigrams suffice except at its end: if something follows in the term, the
 * last character must still hold its position, and as the text may have it
 * followed by another CJK character (when the query had punctuation there)
 * it is a prefix token; if the run ends the term its last character is
 * already covered by the last bigram, and a run of one is a prefix token.
 */
function queryTokens(runs: Run[]): QueryToken[] {
  const out: QueryToken[] = [];
  runs.forEach((run, r) => {
    if (run.kind === WORD) {
      out.push({ text: wordToken(run.chars), prefix: false });
      return;
    }
    const c = run.chars;
    for (let i = 0; i + 1 < c.length; i++) out.push({ text: c[i]! + c[i + 1]!, prefix: false });
    const isLast = r === runs.length - 1;
    if (c.length === 1 || !isLast) out.push({ text: c[c.length - 1]!, prefix: true });
  });
  return out;
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
  /** FTS5 MATCH expression; every token is quoted, so user text is never syntax. */
  match: string;
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

  const terms: string[] = [];
  const phrases: string[] = [];
  const seen = new Set<string>();
  let prefixBudget = MAX_PREFIX_TOKENS;
  const prefixCount = (ts: QueryToken[]): number => ts.reduce((n, t) => n + (t.prefix ? 1 : 0), 0);
  for (const term of rawTerms) {
    if (phrases.length === MAX_TERMS) break;
    let tokens = queryTokens(runsOf(term)).slice(0, MAX_PHRASE_TOKENS);
    if (prefixCount(tokens) > prefixBudget) {
      tokens = queryTokens(runsOf(joinCjk(term))).slice(0, MAX_PHRASE_TOKENS);
      if (prefixCount(tokens) > prefixBudget) continue;
    }
    if (tokens.length === 0) continue;
    const phrase = tokens.map((t) => `"${t.text}"${t.prefix ? '*' : ''}`).join(' + ');
    if (seen.has(phrase)) continue;
    seen.add(phrase);
    prefixBudget -= prefixCount(tokens);
    terms.push(term);
    phrases.push(phrase);
  }
  if (phrases.length === 0) return null;
  return { terms, match: phrases.join(' AND ') };
}

/** The term with separators between two CJK characters removed. */
function joinCjk(term: string): string {
  const chars = [...term];
  let out = '';
  let lastKind: Kind = SEP;
  let pendingSep = '';
  for (const ch of chars) {
    const k = classify(ch.codePointAt(0)!);
    if (k === SEP) {
      pendingSep += ch;
      continue;
    }
    if (!(k === CJK && lastKind === CJK)) out += pendingSep;
    pendingSep = '';
    out += ch;
    lastKind = k;
  }
  return out;
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
