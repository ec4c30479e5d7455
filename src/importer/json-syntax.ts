// Where JSON text goes wrong, as line and column: Node 20's JSON.parse names
// neither (only a token, sometimes an offset). Called only after JSON.parse
// has failed, so it favours brevity over speed.

import { formatCodePoint } from '../domain/text-hygiene';

export interface JsonSyntaxError {
  /** 1-based line and column (in characters) of the first offending character. */
  line: number;
  column: number;
  /** What was expected there, and what was found. */
  message: string;
}

class SyntaxAt extends Error {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {
    super(expected);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

/** The first syntax error of `text`, or null when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | null {
  let i = 0;
  const skipSpace = (): void => {
    WHITESPACE.lastIndex = i;
    WHITESPACE.test(text);
    i = WHITESPACE.lastIndex;
  };
  const expect = (ch: string, what: string): void => {
    if (text[i] !== ch) throw new SyntaxAt(i, what);
    i++;
  };
  const string = (): void => {
    expect('"', 'a double-quoted string');
    for (;;) {
      if (i >= text.length) throw new SyntaxAt(i, 'a closing double quote');
      const c = text.charCodeAt(i);
      if (c === 0x22) return void i++;
      if (c < 0x20) throw new SyntaxAt(i, 'no raw control character inside a string (write it as an escape such as \\n or \\u0007)');
      if (c === 0x5c) {
        const esc = text[i + 1];
        if (esc === 'u' ? !/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)) : !'"\\/bfnrt'.includes(esc ?? 'x')) {
          throw new SyntaxAt(i, 'a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u followed by 4 hex digits)');
        }
        i += esc === 'u' ? 6 : 2;
      } else i++;
    }
  };
  /** A property name and its colon: what follows "{" or a "," inside an object. */
  const member = (): void => {
    skipSpace();
    if (text[i] !== '"') throw new SyntaxAt(i, 'a double-quoted property name');
    string();
    skipSpace();
    expect(':', "':' after the property name");
  };
  /** A string, number or literal. */
  const scalar = (): void => {
    if (text[i] === '"') return string();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) return void (i += literal.length);
    }
    NUMBER.lastIndex = i;
    if (/[-0-9]/.test(text[i] ?? '') && NUMBER.test(text)) return void (i = NUMBER.lastIndex);
    throw new SyntaxAt(i, 'a value (object, array, string, number, true, false or null)');
  };
  // Iterative, with the open containers on a stack: any depth JSON.parse takes.
  const open: string[] = [];
  try {
    value: for (;;) {
      skipSpace();
      const c = text[i];
      if (c === '{' || c === '[') {
        i++;
        skipSpace();
        if (text[i] === (c === '{' ? '}' : ']')) i++;
        else {
          open.push(c);
          if (c === '{') member();
          continue value;
        }
      } else scalar();
      // After a value: close what ends here, then the next member or element.
      for (;;) {
        skipSpace();
        const top = open[open.length - 1];
        if (top === undefined) {
          if (i < text.length) throw new SyntaxAt(i, 'the end of the file after the top-level value');
          return null;
        }
        const close = top === '{' ? '}' : ']';
        if (text[i] === close) {
          i++;
          open.pop();
          continue;
        }
        expect(',', `',' or '${close}'`);
        if (top === '{') member();
        continue value;
      }
    }
  } catch (err) {
    if (!(err instanceof SyntaxAt)) throw err;
    return { ...lineAndColumn(text, err.offset), message: `expected ${err.expected}, found ${describeAt(text, err.offset)}` };
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: [...text.slice(lineStart, offset)].length + 1 };
}

function describeAt(text: string, offset: number): string {
  if (offset >= text.length) return 'the end of the file';
  const cp = text.codePointAt(offset)!;
  if (cp < 0x20) return `control character ${formatCodePoint(cp)}`;
  return cp === 0x22 ? `'"'` : `"${String.fromCodePoint(cp)}"`;
}
