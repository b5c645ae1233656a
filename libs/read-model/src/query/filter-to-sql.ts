import { ScimError } from '@app/scim/errors/scim-error';
import { AttributePath, CompareOperator, Filter, FilterValue } from '@app/scim/filter/filter-ast';
import { UserSchema } from '@app/scim/schema/user-schema';
import { Target, elements, member, present, resolveElementPath, resolveRootPath, scalarAccess } from './attribute-sql';
import { comparison } from './comparison-sql';
import { emailValueCondition, isIndexedEmails, requiredEmailValue } from './email-index-sql';

/** A piece of SQL and the values for its placeholders, in placeholder order. */
export interface SqlFragment {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** A compiled filter, and whether an index narrows the rows it reads (else it reads every user of the IdP). */
export interface CompiledFilter extends SqlFragment {
  readonly narrowedByIndex: boolean;
}

type Scope = (path: AttributePath) => Target;
/** A filter node's SQL, and whether an index answers a condition every row it selects meets. */
type Compiled = { readonly sql: string; readonly indexed: boolean };

/**
 * Top-level string attributes whose `eq` an index of the read model answers (read-model-001:
 * lower(userName), externalId); `id` is the primary key and email values have their own index (-004).
 */
const INDEXED_ATTRIBUTES = new Set(['userName', 'externalId']);

const fail = (detail: string) => ScimError.invalidFilter(detail);

class FilterCompiler {
  readonly params: unknown[] = [];
  private aliases = 0;

  constructor(private readonly firstParam: number) {}

  compile(filter: Filter, scope: Scope): Compiled {
    switch (filter.kind) {
      case 'and': {
        const [left, right] = [this.compile(filter.left, scope), this.compile(filter.right, scope)];
        return { sql: `(${left.sql} AND ${right.sql})`, indexed: left.indexed || right.indexed };
      }
      case 'or': {
        const [left, right] = [this.compile(filter.left, scope), this.compile(filter.right, scope)];
        return { sql: `(${left.sql} OR ${right.sql})`, indexed: left.indexed && right.indexed };
      }
      case 'not':
        // Comparisons on absent attributes are NULL; NOT must turn that into true, not keep NULL.
        return { sql: `(NOT COALESCE(${this.compile(filter.filter, scope).sql}, false))`, indexed: false };
      case 'present':
        return { sql: this.present(scope(filter.path)), indexed: false };
      case 'compare':
        return this.compare(scope(filter.path), filter.op, filter.value);
      case 'valuePath':
        return this.valuePath(scope(filter.path), filter.filter);
    }
  }

  private param(value: unknown, cast: string): string {
    this.params.push(value);
    return `$${this.firstParam + this.params.length - 1}::${cast}`;
  }

  private alias(): string {
    return `e${this.aliases++}`;
  }

  private exists(array: string, where: (element: string) => string): string {
    const alias = this.alias();
    return `EXISTS (SELECT 1 FROM ${elements(array, alias)} WHERE ${where(`${alias}.v`)})`;
  }

  private present(target: Target): string {
    if (target.kind === 'column') return `(${target.scalar.text} IS NOT NULL)`;
    const json = member(target.container, target.attribute.name);
    const { sub } = target;
    if (!sub) return present(json);
    if (!target.attribute.multiValued) return present(member(json, sub.name));
    return this.exists(json, (element) => present(member(element, sub.name)));
  }

  private compare(target: Target, op: CompareOperator, value: FilterValue): Compiled {
    if (value === null) {
      if (op === 'eq') return { sql: `(NOT ${this.present(target)})`, indexed: false };
      if (op === 'ne') return { sql: this.present(target), indexed: false };
      throw fail(`"${target.label} ${op} null": only eq and ne apply to null`);
    }
    // Absent values count as "not equal"; for a multi-valued attribute: no element is equal.
    if (op === 'ne') return { sql: `(NOT COALESCE(${this.compare(target, 'eq', value).sql}, false))`, indexed: false };
    const access = scalarAccess(target, fail);
    const predicate = comparison(access.type, access.caseExact, op, value, target.label, (v, cast) => this.param(v, cast));
    if (access.array === undefined) return { sql: predicate(access.at('')), indexed: op === 'eq' && isIndexedScalar(target) };
    const exact = this.exists(access.array, (element) => predicate(access.at(element)));
    const onEmailValue = target.kind === 'json' && isIndexedEmails(target) && (target.sub?.name ?? 'value') === 'value';
    return op === 'eq' && onEmailValue ? this.indexed(String(value), exact) : { sql: exact, indexed: false };
  }

  /** `exact` behind the index-answered condition that some email value is `value` (which `exact` implies). */
  private indexed(value: string, exact: string): Compiled {
    return { sql: `(${emailValueCondition(this.param(value, 'text'))} AND ${exact})`, indexed: true };
  }

  private valuePath(target: Target, filter: Filter): Compiled {
    if (target.kind !== 'json' || target.sub || target.attribute.type !== 'complex') {
      throw fail(`"${target.label}[...]": a value filter needs a complex attribute`);
    }
    const { attribute } = target;
    const json = member(target.container, attribute.name);
    const inner = (element: string) => {
      const scope = (path: AttributePath) => resolveElementPath(attribute, element, path, fail);
      return `jsonb_typeof(${element}) = 'object' AND ${this.compile(filter, scope).sql}`;
    };
    if (!attribute.multiValued) return { sql: `(${inner(json)})`, indexed: false };
    const exact = this.exists(json, inner);
    const value = isIndexedEmails(target) ? requiredEmailValue(filter) : undefined;
    return value === undefined ? { sql: exact, indexed: false } : this.indexed(value, exact);
  }
}

/** `id`, or a top-level attribute of the core schema with an index of its own. */
function isIndexedScalar(target: Target): boolean {
  if (target.kind === 'column') return target.scalar.text === 'u.user_id';
  return target.container === 'u.attributes' && target.sub === undefined && INDEXED_ATTRIBUTES.has(target.attribute.name);
}

/**
 * Compiles a SCIM filter (RFC 7644 §3.4.2.2) into a boolean SQL expression over a `scim_users` row
 * aliased `u`. Placeholders are numbered from `$firstParam` and every literal is a parameter.
 * Unknown attributes, operators that do not fit the attribute type and literals of the wrong type
 * throw `ScimError.invalidFilter`, so a bad filter is a 400 and never a database error.
 * The result may be NULL where an attribute is absent; use it in WHERE (NULL selects nothing).
 * `narrowedByIndex`: an index answers a condition every selected row meets (an `eq` on id,
 * userName, externalId or an email value, alone or in an `and`), so the statement does not read
 * every user of the IdP.
 */
export function compileFilter(schema: UserSchema, filter: Filter, firstParam: number): CompiledFilter {
  const compiler = new FilterCompiler(firstParam);
  const { sql, indexed } = compiler.compile(filter, (path) => resolveRootPath(schema, path, fail));
  return { sql, params: compiler.params, narrowedByIndex: indexed };
}
