import { userAsOf, userHistory } from './result-views';

describe('the history views', () => {
  it('name each actor: the IdP and its token, the administrator by label and token id, else the system', () => {
    const at = '2026-12-02T07:00:00.000Z';
    const out = userHistory([
      { occurredAt: at, revision: 0, type: 'UserProvisioned', actor: { kind: 'idp-token', providerId: 'contoso', tokenId: 't-1' }, requestId: 'r-1' },
      { occurredAt: at, revision: 1, type: 'AttributesCleared', actor: { kind: 'admin', tokenId: 'a-1', name: 'Helpdesk' }, requestId: 'r-2' },
      { occurredAt: at, revision: 2, type: 'UserDeactivated', actor: { kind: 'system' } },
    ]);
    expect(out.split('\n').map((line) => line.split(/\s{2,}/))).toEqual([
      ['TIME', 'REV', 'EVENT', 'ACTOR', 'REQUEST ID'],
      [at, '0', 'UserProvisioned', 'idp contoso token t-1', 'r-1'],
      [at, '1', 'AttributesCleared', 'admin Helpdesk (a-1)', 'r-2'],
      [at, '2', 'UserDeactivated', 'system', '-'],
      [''],
    ]);
    expect(userHistory([])).toBe('(none)\n');
  });

  it('shows the point, the revision it reflects and the SCIM JSON', () => {
    const out = userAsOf({ at: '7', revision: 2, position: 7, occurredAt: '2026-12-02T07:00:00.000Z', awaitingReprovision: false, user: { id: 'u-1' } });
    expect(out).toBe(['As of:                 7', 'Revision:              2', 'Log position:          7', 'Last change at:        2026-12-02T07:00:00.000Z', 'Awaiting reprovision:  no', '{', '  "id": "u-1"', '}', ''].join('\n'));
  });
});
