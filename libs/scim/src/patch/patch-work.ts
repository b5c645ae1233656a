import { ScimError } from '../errors/scim-error';
import { checkFilterLength } from '../filter/filter-parser';
import { describeLimit, LIMIT_VARIABLES } from '../limits/limit-detail';
import { ScimLimits } from '../limits/scim-limits';
import { checkValueBounds } from '../limits/value-bounds';
import { UserAttributes } from '../resource/user-attributes';
import { isPlainObject } from './json-value';

type PatchLimits = Pick<ScimLimits, 'maxPatchOperations' | 'maxMultiValuedElements'>;

/**
 * Element visits (a value filter evaluated on an element, or a value compared with one) that one
 * PATCH may spend: every operation may look at every element of a list of the largest size allowed.
 */
export function patchWorkBudget(limits: PatchLimits): number {
  return limits.maxPatchOperations * limits.maxMultiValuedElements;
}

function budgetDetail(limits: PatchLimits): string {
  const { maxPatchOperations: ops, maxMultiValuedElements: elements } = LIMIT_VARIABLES;
  return `the budget of ${patchWorkBudget(limits)} element visits (${ops} × ${elements})`;
}

/**
 * Counts the element visits of one PATCH and stops it as soon as they exceed the budget, so no
 * combination of operations and list sizes can hold the event loop for long.
 */
export class PatchWork {
  private spent = 0;

  constructor(private readonly limits: PatchLimits) {}

  /** @throws ScimError invalidValue when these visits take the PATCH over its budget. */
  spend(visits: number): void {
    this.spent += visits;
    if (this.spent > patchWorkBudget(this.limits)) {
      throw ScimError.invalidValue(`The PATCH needs more work than ${budgetDetail(this.limits)}`);
    }
  }
}

/**
 * Refuses a PatchOp request before any work: more operations than maxPatchOperations, a path longer
 * than maxFilterLength, or a value over the string and list limits (see {@link checkValueBounds}).
 * @throws ScimError invalidValue naming the limit; invalidFilter for a path too long.
 */
export function checkPatchRequest(operations: readonly unknown[], limits: ScimLimits): void {
  if (operations.length > limits.maxPatchOperations) {
    throw ScimError.invalidValue(`The PATCH has ${operations.length} operations, over ${describeLimit(limits, 'maxPatchOperations')}`);
  }
  operations.forEach((operation, i) => {
    if (isPlainObject(operation) && typeof operation.path === 'string') checkFilterLength(operation.path, limits, 'path');
    checkValueBounds(operation, limits, `Operations[${i}]`);
  });
}

/**
 * Refuses up front a PATCH whose operations could each visit every element of the user's largest
 * list beyond the budget: a user stored before the limits may hold far longer lists than allowed now.
 * @throws ScimError invalidValue naming the budget.
 */
export function checkPatchCost(attributes: UserAttributes, operationCount: number, limits: PatchLimits): void {
  const elements = largestList(attributes);
  if (operationCount * elements > patchWorkBudget(limits)) {
    throw ScimError.invalidValue(
      `The PATCH has ${operationCount} operations on a user with a list of ${elements} elements, over ${budgetDetail(limits)}`,
    );
  }
}

function largestList(attributes: UserAttributes): number {
  let largest = 0;
  for (const value of Object.values(attributes)) {
    const members = isPlainObject(value) ? Object.values(value) : [value];
    for (const member of members) if (Array.isArray(member)) largest = Math.max(largest, member.length);
  }
  return largest;
}
