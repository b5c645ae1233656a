/**
 * A copy of a request's JSON for class-transformer: members named `constructor` or `__proto__`
 * dropped at every depth. class-transformer takes an object's `constructor` member for its class
 * and fails on anything else (a 500 for `"filter": {"constructor": {}}`); a `__proto__` member
 * would be assigned as a prototype. Such members only ever meet a 400 there, since no DTO has them;
 * values a handler takes as sent (a PatchOp's `value`) are read from the body itself. The body's
 * depth is bounded before this runs (SCIM_MAX_JSON_DEPTH).
 */
export function classTransformerInput(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(classTransformerInput);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'constructor' && key !== '__proto__')
      .map(([key, member]) => [key, classTransformerInput(member)]),
  );
}
