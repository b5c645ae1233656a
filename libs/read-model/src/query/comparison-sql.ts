import { ScimError } from '@app/scim/errors/scim-error';
import { CompareOperator } from '@app/scim/filter/filter-ast';
import { AttributeType } from '@app/scim/schema/attribute-definition';
import { Scalar, typedSql } from './attribute-sql';

/** Adds a parameter and returns its placeholder, cast to `cast`. */
export type AddParam = (value: unknown, cast: 'text' | 'numeric' | 'timestamptz') => string;

/** Builds the predicate for one scalar; called once per place the scalar is read (row or element). */
export type Predicate = (scalar: Scalar) => string;

/** Operators other than eq that SQL spells directly; ne is compiled as NOT eq by the caller. */
const SQL_OPERATOR: Readonly<Record<string, string>> = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' };

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?(?:[Zz]|[+-](\d{2}):?(\d{2}))?$/;

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Accepts what PostgreSQL's timestamptz input will certainly accept, so a bad literal is a 400 and
 * never a database error (Date.parse alone lets "2024-02-30" through; PostgreSQL rejects it).
 */
export function isDateTimeLiteral(text: string): boolean {
  const match = DATE_TIME.exec(text.trim());
  if (!match) return false;
  const [, y, mo, d, h = '0', mi = '0', s = '0', zh = '0', zm = '0'] = match;
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  const date = new Date(Date.UTC(year, month - 1, day));
  date.setUTCFullYear(year);
  const dayExists = year >= 1 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return dayExists && Number(h) <= 23 && Number(mi) <= 59 && Number(s) <= 59 && Number(zh) <= 14 && Number(zm) <= 59;
}

/** LIKE pattern text matching `text` literally, for ESCAPE '\'. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function booleanLiteral(value: string | number | boolean, label: string): 'true' | 'false' {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // Entra sends roles[primary eq "True"]: the boolean arrives as a string.
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (text === 'true' || text === 'false') return text;
  throw ScimError.invalidFilter(`"${label}" is boolean; compare it with true or false`);
}

function numberLiteral(value: string | number | boolean, label: string): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && NUMBER.test(value.trim())) return value.trim();
  throw ScimError.invalidFilter(`"${label}" is a number; compare it with a number`);
}

function dateTimeLiteral(value: string | number | boolean, label: string): string {
  if (typeof value === 'string' && isDateTimeLiteral(value)) return value.trim();
  throw ScimError.invalidFilter(`"${label}" is a dateTime; compare it with an xsd:dateTime string`);
}

/**
 * Validates a non-null literal against the attribute type and returns the predicate for one scalar,
 * with the literal added once as a parameter. Strings compare case-insensitively unless caseExact;
 * ordering uses the "C" collation (code-point order, no locale: RFC 7644 §3.4.2.3).
 */
export function comparison(
  type: AttributeType,
  caseExact: boolean,
  op: Exclude<CompareOperator, 'ne'>,
  value: string | number | boolean,
  label: string,
  param: AddParam,
): Predicate {
  const ordered = op === 'gt' || op === 'ge' || op === 'lt' || op === 'le';
  switch (type) {
    case 'boolean': {
      if (op !== 'eq') throw ScimError.invalidFilter(`"${label}" is boolean; only eq, ne and pr apply`);
      const p = param(booleanLiteral(value, label), 'text');
      return (scalar) => `${scalar.text} = ${p}`;
    }
    case 'integer':
    case 'decimal':
    case 'dateTime': {
      if (op !== 'eq' && !ordered) throw ScimError.invalidFilter(`"${label}" is a ${type}; ${op} applies to strings only`);
      const p = type === 'dateTime' ? param(dateTimeLiteral(value, label), 'timestamptz') : param(numberLiteral(value, label), 'numeric');
      return (scalar) => `${typedSql(scalar)} ${SQL_OPERATOR[op]} ${p}`;
    }
    case 'complex':
      throw ScimError.invalidFilter(`"${label}" is complex; name one of its sub-attributes`);
    default: {
      if (type === 'binary' && ordered) throw ScimError.invalidFilter(`"${label}" is binary; ${op} does not apply`);
      const text = String(value);
      const fold = (sql: string) => (caseExact ? sql : `lower(${sql})`);
      if (op === 'co' || op === 'sw' || op === 'ew') {
        const pattern = `${op === 'sw' ? '' : '%'}${escapeLike(text)}${op === 'ew' ? '' : '%'}`;
        const p = param(pattern, 'text');
        return (scalar) => `${fold(scalar.text)} LIKE ${fold(p)} ESCAPE '\\'`;
      }
      const p = param(text, 'text');
      const collate = ordered ? ' COLLATE "C"' : '';
      return (scalar) => `${fold(scalar.text)}${collate} ${SQL_OPERATOR[op]} ${fold(p)}`;
    }
  }
}
