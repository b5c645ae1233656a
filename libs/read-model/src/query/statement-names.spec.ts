import { StatementNames } from './statement-names';

describe('StatementNames', () => {
  it('names each distinct text once, the same way every time, and stops at the budget', () => {
    const names = new StatementNames(2);
    const a = names.nameOf('SELECT 1');
    const b = names.nameOf('SELECT 2');
    expect(a).toMatch(/^q_[0-9a-f]{24}$/);
    expect(b).not.toBe(a);
    expect(names.nameOf('SELECT 1')).toBe(a);
    expect(names.nameOf('SELECT 3')).toBeUndefined();
    expect(names.nameOf('SELECT 2')).toBe(b);
    expect(new StatementNames(2).nameOf('SELECT 1')).toBe(a);
  });
});
