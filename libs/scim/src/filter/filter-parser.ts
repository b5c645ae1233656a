import { ScimError } from '../errors/scim-error';
import { describeLimit } from '../limits/limit-detail';
import { DEFAULT_SCIM_LIMITS, ScimLimits } from '../limits/scim-limits';
import { AttributePath, CompareOperator, Filter, FilterValue, PatchPath } from './filter-ast';
import {
  and,
  compare,
  isAttributeName,
  not,
  or,
  pr,
  quoteForDetail as quote,
  splitAttributePath,
  valuePath,
} from './filter-builders';
import { ErrorFactory, Token, tokenize } from './filter-lexer';

/** The limits that bound the work and recursion one filter or PATCH path can cause. */
export type FilterLimits = Pick<ScimLimits, 'maxFilterLength' | 'maxFilterNodes' | 'maxFilterDepth'>;

const OPERATORS: ReadonlySet<string> = new Set<CompareOperator>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
/** RFC 8259 §6 number; anything else unquoted is an Entra bare string. */
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

function isKeyword(token: Token, keyword: string): boolean {
  return token.kind === 'word' && token.text.toLowerCase() === keyword;
}

/**
 * Recursive-descent parser for RFC 7644 §3.4.2.2 filters, also used for the RFC 7644 §3.5.2 PATCH
 * path grammar, whose bracket part is a filter. `and` binds tighter than `or`; both are left-associative.
 */
export class FilterParser {
  private index = 0;
  private depth = 0;
  private nodes = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly fail: ErrorFactory,
    private readonly noun: 'filter' | 'path',
    private readonly limits: FilterLimits,
  ) {}

  /** Parses the whole token stream as a filter. */
  parseFilterToEnd(): Filter {
    const filter = this.parseOr(false);
    const next = this.peek();
    if (next.kind === ')' || next.kind === ']') this.error(`Unmatched '${next.kind}'`, next, false);
    if (next.kind !== 'end') this.error(`Expected 'and', 'or' or the end of the ${this.noun}`, next);
    return filter;
  }

  /** Parses the whole token stream as a PATCH path: `attrPath`, `attrPath[filter]` or `attrPath[filter].sub`. */
  parsePatchPathToEnd(): PatchPath {
    const first = this.next();
    if (first.kind !== 'word') this.error('Expected an attribute path', first);
    const path = this.attributePath(first);
    let result: PatchPath = path;
    if (this.peek().kind === '[') {
      const open = this.peek();
      if (path.subAttribute !== undefined) {
        this.error(`A value filter must follow the attribute, not its sub-attribute ("attr[filter].sub")`, open, false);
      }
      const { filter, close } = this.parseBracket();
      const sub = this.peekSubAttribute(close);
      result = { ...path, filter, ...(sub !== undefined ? { subAttribute: sub } : {}) };
    }
    const next = this.peek();
    if (next.kind !== 'end') this.error('Unexpected text after the path', next);
    return result;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private error(message: string, token: Token, showFound = true): never {
    let found = '';
    if (showFound) found = token.kind === 'end' ? `, but the ${this.noun} ended` : `, but found ${quote(token.text)}`;
    throw this.fail(`${message} at position ${token.start + 1}${found}`);
  }

  private expect(kind: ')' | ']', opener: Token): Token {
    const token = this.next();
    if (token.kind !== kind) {
      this.error(`Expected '${kind}' (to close the '${opener.kind}' at position ${opener.start + 1})`, token);
    }
    return token;
  }

  /** Depth counts parentheses (with or without `not`) and brackets: what makes the parser and evaluators recurse. */
  private enter(opener: Token): void {
    if (++this.depth > this.limits.maxFilterDepth) {
      const limit = describeLimit(this.limits, 'maxFilterDepth');
      throw ScimError.invalidFilter(`The ${this.noun} nests deeper than ${limit} at position ${opener.start + 1}`);
    }
  }

  /** Counts every node built (comparisons, presence tests, and, or, not, value paths), failing at the first over the limit. */
  private node<T extends Filter>(filter: T, at: Token): T {
    if (++this.nodes > this.limits.maxFilterNodes) {
      const limit = describeLimit(this.limits, 'maxFilterNodes');
      throw ScimError.invalidFilter(`The ${this.noun} has more nodes than ${limit} at position ${at.start + 1}`);
    }
    return filter;
  }

  private parseOr(inValuePath: boolean): Filter {
    let left = this.parseAnd(inValuePath);
    while (isKeyword(this.peek(), 'or')) {
      const keyword = this.next();
      left = this.node(or(left, this.parseAnd(inValuePath)), keyword);
    }
    return left;
  }

  private parseAnd(inValuePath: boolean): Filter {
    let left = this.parseUnary(inValuePath);
    while (isKeyword(this.peek(), 'and')) {
      const keyword = this.next();
      left = this.node(and(left, this.parseUnary(inValuePath)), keyword);
    }
    return left;
  }

  private parseUnary(inValuePath: boolean): Filter {
    const token = this.peek();
    // `not` is only the keyword before '(' (RFC grammar), so an attribute may still be named "not".
    const negated = isKeyword(token, 'not') && this.peek(1).kind === '(';
    if (negated) this.next();
    if (this.peek().kind === '(') {
      const open = this.next();
      this.enter(open);
      const inner = this.parseOr(inValuePath);
      this.expect(')', open);
      this.depth--;
      return negated ? this.node(not(inner), token) : inner;
    }
    if (token.kind !== 'word') this.error(`Expected an attribute path, '(' or 'not'`, token);
    return this.parseAttributeExpression(inValuePath);
  }

  private parseAttributeExpression(inValuePath: boolean): Filter {
    const pathToken = this.next();
    const path = this.attributePath(pathToken);
    const open = this.peek();
    if (open.kind !== '[') return this.parseComparison(path, pathToken);
    if (inValuePath) this.error('A value filter cannot be nested inside another value filter', open, false);
    if (path.subAttribute !== undefined) {
      this.error(`A value filter must follow an attribute, not the sub-attribute ${quote(pathToken.text)}`, open, false);
    }
    const { filter, close } = this.parseBracket();
    const subToken = this.peek();
    const sub = this.peekSubAttribute(close);
    if (sub === undefined) return this.node(valuePath(path, filter), pathToken);
    // Entra's `emails[type eq "work"].value eq "x"`: the comparison applies to the same element.
    const joined = this.node(and(filter, this.parseComparison({ attribute: sub }, subToken)), subToken);
    return this.node(valuePath(path, joined), pathToken);
  }

  private parseBracket(): { filter: Filter; close: Token } {
    const open = this.next();
    this.enter(open);
    const filter = this.parseOr(true);
    const close = this.expect(']', open);
    this.depth--;
    return { filter, close };
  }

  /** Consumes `.sub` written directly after `]`, if present. */
  private peekSubAttribute(close: Token): string | undefined {
    const token = this.peek();
    if (token.kind !== 'word' || token.start !== close.end || !token.text.startsWith('.')) return undefined;
    const name = token.text.slice(1);
    if (!isAttributeName(name)) this.error(`Expected a sub-attribute name after ']'`, token);
    this.next();
    return name;
  }

  private attributePath(token: Token): AttributePath {
    const result = splitAttributePath(token.text);
    if (!result.ok) {
      throw this.fail(`Invalid attribute path ${quote(token.text)} at position ${token.start + 1}: ${result.reason}`);
    }
    return result.path;
  }

  private parseComparison(path: AttributePath, pathToken: Token): Filter {
    const opToken = this.next();
    const op = opToken.kind === 'word' ? opToken.text.toLowerCase() : '';
    if (op === 'pr') {
      const after = this.peek();
      if (after.kind === 'string' || (after.kind === 'word' && !isKeyword(after, 'and') && !isKeyword(after, 'or'))) {
        this.error(`The 'pr' operator takes no value`, after);
      }
      return this.node(pr(path), pathToken);
    }
    if (!OPERATORS.has(op)) {
      const hint = isKeyword(pathToken, 'not') ? ` ('not' must be followed by '(')` : '';
      this.error(`Expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr)${hint}`, opToken);
    }
    return this.node(compare(path, op as CompareOperator, this.parseValue(opToken)), pathToken);
  }

  private parseValue(opToken: Token): FilterValue {
    const token = this.peek();
    if (token.kind === 'string') {
      this.next();
      return token.value as string;
    }
    if (token.kind !== 'word' || isKeyword(token, 'and') || isKeyword(token, 'or')) {
      this.error(`Expected a value after '${opToken.text}'`, token);
    }
    this.next();
    const lower = token.text.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (lower === 'null') return null;
    if (!JSON_NUMBER.test(token.text)) return token.text;
    const value = Number(token.text);
    if (!Number.isFinite(value)) this.error('Number out of range', token);
    return value;
  }
}

/**
 * Refuses filter or path text longer than maxFilterLength, before any work is done on it.
 * @throws ScimError invalidFilter naming the limit.
 */
export function checkFilterLength(text: string, limits: FilterLimits, noun: 'filter' | 'path'): void {
  if (text.length > limits.maxFilterLength) {
    throw ScimError.invalidFilter(`The ${noun} is longer than ${describeLimit(limits, 'maxFilterLength')}`);
  }
}

/**
 * Parses a SCIM filter (RFC 7644 §3.4.2.2), accepting these Microsoft Entra ID quirks: operators and
 * keywords in any case, unquoted values (a bare number stays a number, anything else is a string), and
 * `attr[filter].sub op value`, read as `attr[filter and sub op value]`.
 * Positions in error details are 1-based character offsets.
 * @param limits length, node count and nesting depth (parentheses and brackets) allowed.
 * @throws ScimError invalidFilter (400) on any malformed input or exceeded limit, and nothing else.
 */
export function parseFilter(text: string, limits: FilterLimits = DEFAULT_SCIM_LIMITS): Filter {
  if (typeof text !== 'string') throw ScimError.invalidFilter('The filter must be a string');
  checkFilterLength(text, limits, 'filter');
  const fail: ErrorFactory = (detail) => ScimError.invalidFilter(detail);
  const tokens = tokenize(text, fail);
  if (tokens.length === 1) throw ScimError.invalidFilter('The filter is empty');
  return new FilterParser(tokens, fail, 'filter', limits).parseFilterToEnd();
}
