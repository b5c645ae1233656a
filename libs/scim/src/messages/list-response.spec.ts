import { listResponse, listResponseWithin } from './list-response';

const resource = (i: number, size: number) => ({ id: `u${i}`, padding: 'x'.repeat(size) });
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

describe('listResponseWithin', () => {
  it('keeps the whole page when it fits, as listResponse would', () => {
    const resources = [resource(1, 10), resource(2, 10)];
    expect(listResponseWithin(resources, 7, 3, 10_000)).toEqual(listResponse(resources, 7, 3));
  });

  it('stops before the resource that would take the response over the limit; itemsPerPage says how many, totalResults stays', () => {
    const resources = Array.from({ length: 10 }, (_, i) => resource(i, 1000));
    const page = listResponseWithin(resources, 500, 1, 3500);
    expect(page.itemsPerPage).toBe(3);
    expect(page.totalResults).toBe(500);
    expect(page.Resources).toEqual(resources.slice(0, 3));
    expect(bytes(page)).toBeLessThanOrEqual(3500);
    expect(bytes(listResponse(resources.slice(0, 4), 500, 1))).toBeGreaterThan(3500);
  });

  it('never holds fewer than one resource, however large', () => {
    const page = listResponseWithin([resource(1, 5000), resource(2, 1)], 2, 1, 100);
    expect(page.itemsPerPage).toBe(1);
    expect(page.Resources).toEqual([resource(1, 5000)]);
  });

  it('counts UTF-8 bytes, not characters', () => {
    const wide = Array.from({ length: 4 }, (_, i) => ({ id: `u${i}`, name: 'é'.repeat(500) }));
    const page = listResponseWithin(wide, 4, 1, 2500);
    expect(bytes(page)).toBeLessThanOrEqual(2500);
    expect(page.itemsPerPage).toBe(2);
  });

  it('renders no resource past the one that did not fit', () => {
    let rendered = 0;
    function* render() {
      for (let i = 0; i < 100; i++) {
        rendered++;
        yield resource(i, 1000);
      }
    }
    listResponseWithin(render(), 100, 1, 2500);
    expect(rendered).toBe(3);
  });

  it('holds exactly as many as fit, for any sizes and limit', () => {
    for (let limit = 200; limit < 5000; limit += 137) {
      const resources = Array.from({ length: 12 }, (_, i) => resource(i, (i * 97) % 400));
      const page = listResponseWithin(resources, 12, 1, limit);
      const n = page.itemsPerPage as number;
      expect(n).toBeGreaterThanOrEqual(1);
      if (n > 1) expect(bytes(page)).toBeLessThanOrEqual(limit);
      if (n < 12) expect(bytes(listResponse(resources.slice(0, n + 1), 12, 1))).toBeGreaterThan(limit);
    }
  });
});
