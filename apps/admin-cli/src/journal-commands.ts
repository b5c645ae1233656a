import type { Command } from './command';

/** Issue 10's journal search. */
export const JOURNAL_COMMANDS: readonly Command[] = [];
