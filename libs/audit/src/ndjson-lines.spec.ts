import { LineSplitter } from './ndjson-lines';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('LineSplitter', () => {
  it('splits on "\\n" across chunks, also inside a character of several bytes', () => {
    const splitter = new LineSplitter();
    const all = bytes('ab€\ncd\n');
    const lines = [...splitter.push(all.subarray(0, 3)), ...splitter.push(all.subarray(3, 5)), ...splitter.push(all.subarray(5)), ...splitter.end()];
    expect(lines).toEqual([
      { number: 1, text: 'ab€', terminated: true },
      { number: 2, text: 'cd', terminated: true },
    ]);
  });

  it('keeps "\\r" as content and gives an unterminated last line as such', () => {
    const splitter = new LineSplitter();
    expect([...splitter.push(bytes('a\r\nb')), ...splitter.end()]).toEqual([
      { number: 1, text: 'a\r', terminated: true },
      { number: 2, text: 'b', terminated: false },
    ]);
  });

  it('gives empty lines and a BOM as they are', () => {
    expect(new LineSplitter().push(bytes('\ufeff{}\n\n'))).toEqual([
      { number: 1, text: '\ufeff{}', terminated: true },
      { number: 2, text: '', terminated: true },
    ]);
  });

  it('names a line that is not UTF-8, and reads on', () => {
    const splitter = new LineSplitter();
    expect(splitter.push(Buffer.from([0x61, 0xff, 0x0a, 0x62, 0x0a]))).toEqual([
      { number: 1, unreadable: 'the line is not valid UTF-8' },
      { number: 2, text: 'b', terminated: true },
    ]);
  });

  it('refuses a line past the limit without holding it, then reads nothing more', () => {
    const splitter = new LineSplitter(8);
    expect(splitter.push(bytes('short\n0123'))).toEqual([{ number: 1, text: 'short', terminated: true }]);
    expect(splitter.push(bytes('456789'))).toEqual([{ number: 2, unreadable: 'the line is longer than 8 bytes' }]);
    expect(splitter.push(bytes('\nmore\n'))).toEqual([]);
    expect(splitter.end()).toEqual([]);
  });
});
