import { digestToken } from './token-digest';

describe('digestToken', () => {
  it('is the hex SHA-256 of the secret (FIPS 180-2 "abc" vector)', () => {
    expect(digestToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('is deterministic and tells secrets apart', () => {
    expect(digestToken('s3cret-token-value-0001')).toBe(digestToken('s3cret-token-value-0001'));
    expect(digestToken('s3cret-token-value-0001')).not.toBe(digestToken('s3cret-token-value-0002'));
  });
});
