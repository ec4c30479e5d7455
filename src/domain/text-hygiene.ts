// The character rules for text entering the site (docs/import-format.md, "Text
// hygiene"), in one place: the importer refuses and cleans manifest text with
// them, and search applies the same zero-width removal to its index text and
// to queries, so that what is stored and what is typed meet.

/** U+XXXX, as the Unicode standard names a code point. */
export function formatCodePoint(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Which line-structure characters a field may hold: text blocks may break lines, every other field is one line. */
export type TextShape = 'line' | 'multiline';

/**
 * Why a code point may not appear in imported text, or null when it may.
 * Lone surrogates are found by forbiddenCharacters(), which sees pairs.
 */
function forbiddenReason(cp: number, shape: TextShape): string | null {
  if (cp === 0x09 || cp === 0x0a) return shape === 'multiline' ? null : 'a tab or line break, not allowed in a one-line field';
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return 'a control character';
  if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) {
    return 'a bidi embedding, override or isolate control, which can reorder what readers see';
  }
  if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe) return 'a noncharacter';
  return null;
}

export interface ForbiddenCharacter {
  /** Code point (a lone surrogate's own value). */
  codePoint: number;
  /** Position in characters (code points), from 1. */
  position: number;
  reason: string;
}

// Everything forbiddenReason() can refuse, for a quick test before the per-character walk.
const SUSPECT = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff]/;

/** Every character of `s` that imported text may not hold, in order. */
export function forbiddenCharacters(s: string, shape: TextShape): ForbiddenCharacter[] {
  if (!SUSPECT.test(s)) return [];
  const found: ForbiddenCharacter[] = [];
  let position = 0;
  for (const ch of s) {
    position += 1;
    const cp = ch.codePointAt(0)!;
    // for..of yields a lone surrogate as a one-unit string.
    const reason = cp >= 0xd800 && cp <= 0xdfff ? 'an unpaired surrogate (not a character: the text is not valid Unicode)' : forbiddenReason(cp, shape);
    if (reason !== null) found.push({ codePoint: cp, position, reason });
  }
  return found;
}

/** The invisible characters that split a word without showing: zero width space, ZWNJ, ZWJ, word joiner, zero width no-break space (BOM). */
const ZERO_WIDTH = /[\u200b\u200c\u200d\u2060\ufeff]/g;
const HAS_ZERO_WIDTH = /[\u200b\u200c\u200d\u2060\ufeff]/;
const ZWNJ = '\u200c';
const ZWJ = '\u200d';

/**
 * Scripts whose spelling needs ZWJ and ZWNJ between letters (Persian
 * half-spaces, Indic conjunct forms, Sinhala, Mongolian, …).
 */
const JOINING_SCRIPT =
  /[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Nko}\p{Script=Thaana}\p{Script=Mongolian}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gurmukhi}\p{Script=Gujarati}\p{Script=Oriya}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Sinhala}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]/u;
/** What may precede the ZWJ of an emoji sequence (👩‍💻, 🏳️‍🌈, 👍🏽‍…): a pictograph, a skin tone or the emoji presentation selector. */
const EMOJI_BEFORE_ZWJ = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\ufe0f]/u;
const EMOJI = /\p{Extended_Pictographic}/u;

function codePointBefore(s: string, index: number): string {
  const c = s.charCodeAt(index - 1);
  return c >= 0xdc00 && c <= 0xdfff && index >= 2 ? s.slice(index - 2, index) : s.charAt(index - 1);
}

function codePointAfter(s: string, index: number): string {
  return index < s.length ? String.fromCodePoint(s.codePointAt(index)!) : '';
}

/**
 * Removes zero-width characters, except the joiners that change how text is
 * written: ZWJ between two emoji of a sequence, and ZWJ or ZWNJ between two
 * characters of a script that needs them (JOINING_SCRIPT). Between Chinese
 * characters, Latin letters or digits they only hide words from search.
 */
export function removeZeroWidth(s: string): string {
  if (!HAS_ZERO_WIDTH.test(s)) return s;
  return s.replace(ZERO_WIDTH, (ch: string, index: number) => {
    if (ch !== ZWJ && ch !== ZWNJ) return '';
    const before = codePointBefore(s, index);
    const after = codePointAfter(s, index + 1);
    if (ch === ZWJ && EMOJI_BEFORE_ZWJ.test(before) && EMOJI.test(after)) return ch;
    return JOINING_SCRIPT.test(before) && JOINING_SCRIPT.test(after) ? ch : '';
  });
}

/** Every zero-width character removed, joiners included: search matches text as if they were not there. */
export function stripZeroWidth(s: string): string {
  return s.replace(ZERO_WIDTH, '');
}

/** Stored form of imported text: NFC, then removeZeroWidth(). */
export function cleanText(s: string): string {
  return removeZeroWidth(s.normalize('NFC'));
}
