import { ScimError } from '../errors/scim-error';

/**
 * `word` is any run of characters other than whitespace, parentheses, brackets and `"`: attribute
 * paths, operators, keywords, numbers and Entra's unquoted values all lex as words, and the parser
 * decides what each one is from its position.
 */
export type TokenKind = 'word' | 'string' | '(' | ')' | '[' | ']' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The source text (for a string token, including its quotes). */
  readonly text: string;
  /** The decoded value of a string token. */
  readonly value?: string;
  /** 0-based offset of the first character. */
  readonly start: number;
  /** 0-based offset just past the last character. */
  readonly end: number;
}

/** Builds the error to throw, so one lexer/parser serves both invalidFilter and invalidPath. */
export type ErrorFactory = (detail: string) => ScimError;

const invalidFilter: ErrorFactory = (detail) => ScimError.invalidFilter(detail);

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

function isPunctuation(ch: string): ch is '(' | ')' | '[' | ']' {
  return ch === '(' || ch === ')' || ch === '[' || ch === ']';
}

/**
 * Splits filter text (RFC 7644 §3.4.2.2) into tokens, ending with an `end` token. String literals are
 * decoded as JSON strings (RFC 7644 §3.4.2.2 compValue, RFC 8259 §7).
 * @throws the factory's error (invalidFilter by default) on an unterminated or malformed string.
 */
export function tokenize(text: string, fail: ErrorFactory = invalidFilter): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (isWhitespace(ch)) {
      i++;
    } else if (isPunctuation(ch)) {
      tokens.push({ kind: ch, text: ch, start: i, end: i + 1 });
      i++;
    } else if (ch === '"') {
      const token = readString(text, i, fail);
      tokens.push(token);
      i = token.end;
    } else {
      let j = i + 1;
      while (j < text.length && !isWhitespace(text[j]) && !isPunctuation(text[j]) && text[j] !== '"') j++;
      tokens.push({ kind: 'word', text: text.slice(i, j), start: i, end: j });
      i = j;
    }
  }
  tokens.push({ kind: 'end', text: '', start: text.length, end: text.length });
  return tokens;
}

function readString(text: string, start: number, fail: ErrorFactory): Token {
  let j = start + 1;
  while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
  if (j >= text.length) throw fail(`Unterminated string starting at position ${start + 1}`);
  const source = text.slice(start, j + 1);
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch {
    throw fail(
      `Invalid string at position ${start + 1}: only JSON escapes are allowed and control characters must be escaped`,
    );
  }
  if (typeof value !== 'string') throw fail(`Invalid string at position ${start + 1}`);
  return { kind: 'string', text: source, value, start, end: j + 1 };
}
