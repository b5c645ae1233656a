import { StatementNames } from './statement-names';

describe('StatementNames', () => {
  it('names a text from its second use on, the same way every time', () => {
    const names = new StatementNames(2);
    expect(names.nameOf('SELECT 1')).toBeUndefined();
    const name = names.nameOf('SELECT 1');
    expect(name).toMatch(/^q_[0-9a-f]{24}$/);
    expect(names.nameOf('SELECT 1')).toBe(name);
    const other = new StatementNames(2);
    other.nameOf('SELECT 1');
    expect(other.nameOf('SELECT 1')).toBe(name);
  });

  it('names no more than max texts, however many repeat', () => {
    const names = new StatementNames(2);
    const twice = (sql: string) => [names.nameOf(sql), names.nameOf(sql)][1];
    const [a, b] = [twice('SELECT 1'), twice('SELECT 2')];
    expect(a).not.toBe(b);
    expect(twice('SELECT 3')).toBeUndefined();
    expect(names.nameOf('SELECT 2')).toBe(b);
  });

  it('gives no name to texts sent once, however many there are', () => {
    const names = new StatementNames(2);
    for (let i = 0; i < 100; i += 1) expect(names.nameOf(`SELECT ${i}`)).toBeUndefined();
    expect(names.nameOf('SELECT 99')).toMatch(/^q_/);
    // Only the 10 × max most recent are remembered: an old one is new again.
    expect(names.nameOf('SELECT 0')).toBeUndefined();
  });
});
