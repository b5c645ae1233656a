import type { Filter } from '@app/scim/filter/filter-ast';
import { FilterLimits, parseFilter } from '@app/scim/filter/filter-parser';

/**
 * Whether a list request (GET /Users) with this `filter` query parameter may scan the IdP's users:
 * no filter, or one that is not Entra ID's lookup — `eq` comparisons joined by `and`, possibly in a
 * value path (`emails[type eq "work"].value eq "x"`), its only operators (docs entra-id.md §3.1).
 * A filter that does not parse, or is not one string, scans nothing: the handler answers 400.
 */
export function mayScanUsers(filter: unknown, limits: FilterLimits): boolean {
  if (filter === undefined) return true;
  if (typeof filter !== 'string') return false;
  try {
    return scansUsers(parseFilter(filter, limits));
  } catch {
    return false;
  }
}

/**
 * Whether a parsed filter (or none) counts as a search for rationing: anything but `eq` comparisons
 * joined by `and`, the shape of every Entra matching query. An `eq` no index serves (Entra may match
 * on any mapped attribute) is not rationed, so Entra never meets a 429 in its cycle, but the read
 * model still reads it in batches (`narrowedByIndex` of the compiled filter decides that).
 */
export function scansUsers(filter: Filter | undefined): boolean {
  return filter === undefined || !onlyEqualities(filter);
}

function onlyEqualities(filter: Filter): boolean {
  switch (filter.kind) {
    case 'compare':
      return filter.op === 'eq';
    case 'and':
      return onlyEqualities(filter.left) && onlyEqualities(filter.right);
    case 'valuePath':
      return onlyEqualities(filter.filter);
    default:
      return false;
  }
}
