export { applyPatch } from './apply-patch';
export { applyChanges, diffAttributes } from './attribute-change';
export { evaluateFilter } from './evaluate-filter';
export type { AttributeChange, PatchOperation, PatchResult } from './patch-types';
