import type { Command } from './command';

/** Issue 10's audit rebuild. */
export const AUDIT_REBUILD_COMMANDS: readonly Command[] = [];
