import type { Command } from './command';

/** Issue 10's audit export and audit verify. */
export const AUDIT_EXPORT_COMMANDS: readonly Command[] = [];
