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

type Scope = (path: AttributePath) => Target;

const fail = (detail: string) => ScimError.invalidFilter(detail);

class FilterCompiler {
  readonly params: unknown[] = [];
  private aliases = 0;

  constructor(private readonly firstParam: number) {}

  compile(filter: Filter, scope: Scope): string {
    switch (filter.kind) {
      case 'and':
        return `(${this.compile(filter.left, scope)} AND ${this.compile(filter.right, scope)})`;
      case 'or':
        return `(${this.compile(filter.left, scope)} OR ${this.compile(filter.right, scope)})`;
      case 'not':
        // Comparisons on absent attributes are NULL; NOT must turn that into true, not keep NULL.
        return `(NOT COALESCE(${this.compile(filter.filter, scope)}, false))`;
      case 'present':
        return this.present(scope(filter.path));
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

  private compare(target: Target, op: CompareOperator, value: FilterValue): string {
    if (value === null) {
      if (op === 'eq') return `(NOT ${this.present(target)})`;
      if (op === 'ne') return this.present(target);
      throw fail(`"${target.label} ${op} null": only eq and ne apply to null`);
    }
    // Absent values count as "not equal"; for a multi-valued attribute: no element is equal.
    if (op === 'ne') return `(NOT COALESCE(${this.compare(target, 'eq', value)}, false))`;
    const access = scalarAccess(target, fail);
    const predicate = comparison(access.type, access.caseExact, op, value, target.label, (v, cast) => this.param(v, cast));
    if (access.array === undefined) return predicate(access.at(''));
    const exact = this.exists(access.array, (element) => predicate(access.at(element)));
    const onEmailValue = target.kind === 'json' && isIndexedEmails(target) && (target.sub?.name ?? 'value') === 'value';
    return op === 'eq' && onEmailValue ? this.indexed(String(value), exact) : exact;
  }

  /** `exact` behind the index-answered condition that some email value is `value` (which `exact` implies). */
  private indexed(value: string, exact: string): string {
    return `(${emailValueCondition(this.param(value, 'text'))} AND ${exact})`;
  }

  private valuePath(target: Target, filter: Filter): string {
    if (target.kind !== 'json' || target.sub || target.attribute.type !== 'complex') {
      throw fail(`"${target.label}[...]": a value filter needs a complex attribute`);
    }
    const { attribute } = target;
    const json = member(target.container, attribute.name);
    const inner = (element: string) => {
      const scope = (path: AttributePath) => resolveElementPath(attribute, element, path, fail);
      return `jsonb_typeof(${element}) = 'object' AND ${this.compile(filter, scope)}`;
    };
    if (!attribute.multiValued) return `(${inner(json)})`;
    const exact = this.exists(json, inner);
    const value = isIndexedEmails(target) ? requiredEmailValue(filter) : undefined;
    return value === undefined ? exact : this.indexed(value, exact);
  }
}

/**
 * Compiles a SCIM filter (RFC 7644 §3.4.2.2) into a boolean SQL expression over a `scim_users` row
 * aliased `u`. Placeholders are numbered from `$firstParam` and every literal is a parameter.
 * Unknown attributes, operators that do not fit the attribute type and literals of the wrong type
 * throw `ScimError.invalidFilter`, so a bad filter is a 400 and never a database error.
 * The result may be NULL where an attribute is absent; use it in WHERE (NULL selects nothing).
 */
export function compileFilter(schema: UserSchema, filter: Filter, firstParam: number): SqlFragment {
  const compiler = new FilterCompiler(firstParam);
  const sql = compiler.compile(filter, (path) => resolveRootPath(schema, path, fail));
  return { sql, params: compiler.params };
}
