import { AttributePath, Filter, FilterValue } from './filter-ast';

/** Prints an attribute path as RFC 7644 §3.10 `attrPath`: `[schema ":"] attribute ["." subAttribute]`. */
export function printAttributePath(path: AttributePath): string {
  const schema = path.schema !== undefined ? `${path.schema}:` : '';
  const sub = path.subAttribute !== undefined ? `.${path.subAttribute}` : '';
  return `${schema}${path.attribute}${sub}`;
}

/**
 * Prints a compValue (RFC 7644 §3.4.2.2): strings always quoted as JSON, so they never read back as
 * numbers, keywords or bare values.
 * @throws RangeError for a non-finite number, which has no filter spelling.
 */
export function printFilterValue(value: FilterValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`Cannot print the non-finite number ${value} in a filter`);
    // String(-0) is "0"; keep the sign so printing round-trips exactly.
    return Object.is(value, -0) ? '-0' : String(value);
  }
  return String(value);
}

function printOperand(filter: Filter, parenthesize: boolean): string {
  const text = printFilter(filter);
  return parenthesize ? `(${text})` : text;
}

/**
 * Prints a filter as canonical RFC 7644 §3.4.2.2 text that `parseFilter` reads back to the same AST:
 * lower-case operators, JSON strings, `not (...)`, `attr[filter]`, and parentheses exactly where
 * precedence (`and` over `or`) or left-associativity would otherwise regroup the tree.
 */
export function printFilter(filter: Filter): string {
  switch (filter.kind) {
    case 'compare':
      return `${printAttributePath(filter.path)} ${filter.op} ${printFilterValue(filter.value)}`;
    case 'present':
      return `${printAttributePath(filter.path)} pr`;
    case 'and':
      return `${printOperand(filter.left, filter.left.kind === 'or')} and ${printOperand(
        filter.right,
        filter.right.kind === 'or' || filter.right.kind === 'and',
      )}`;
    case 'or':
      return `${printOperand(filter.left, false)} or ${printOperand(filter.right, filter.right.kind === 'or')}`;
    case 'not':
      return `not (${printFilter(filter.filter)})`;
    case 'valuePath':
      return `${printAttributePath(filter.path)}[${printFilter(filter.filter)}]`;
  }
}
