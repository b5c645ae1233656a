import { StreamIds } from './stream-ids';

describe('StreamIds', () => {
  it('spells user and identity provider streams with their IdP', () => {
    expect(StreamIds.user('entra-contoso', 'u-1')).toBe('user-entra-contoso-u-1');
    expect(StreamIds.identityProvider('entra-contoso')).toBe('idp-entra-contoso');
  });

  it.each([
    ['userNameReservation', StreamIds.userNameReservation, 'username'],
    ['externalIdReservation', StreamIds.externalIdReservation, 'externalid'],
  ] as const)('%s is <kind>-<providerId>-<40 hex digits>, never the value itself', (_name, id, prefix) => {
    const streamId = id('entra-contoso', 'Ada@Contoso.com');
    expect(streamId).toMatch(new RegExp(`^${prefix}-entra-contoso-[0-9a-f]{40}$`));
    expect(streamId).not.toContain('Ada');
  });

  // RFC 7643 §4.1.1: userName is unique case-insensitively.
  it('gives one userName reservation whatever the case', () => {
    expect(StreamIds.userNameReservation('p', 'ADA@contoso.COM')).toBe(StreamIds.userNameReservation('p', 'ada@Contoso.com'));
  });

  // RFC 7643 §3.1: externalId is caseExact.
  it('gives different externalId reservations for different case', () => {
    expect(StreamIds.externalIdReservation('p', 'Ada')).not.toBe(StreamIds.externalIdReservation('p', 'ada'));
  });

  it.each([StreamIds.userNameReservation, StreamIds.externalIdReservation])('reserves per IdP (%#)', (id) => {
    expect(id('tenant-a', 'ada')).not.toBe(id('tenant-b', 'ada'));
  });

  it('distinguishes different values', () => {
    expect(StreamIds.userNameReservation('p', 'ada')).not.toBe(StreamIds.userNameReservation('p', 'grace'));
  });
});
