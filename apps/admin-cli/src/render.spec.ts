import { Column, fields, table } from './render';

describe('rendering for a terminal', () => {
  it('aligns columns under their headers, joins lists with commas, shows yes/no and - for nothing', () => {
    const rows: { id: string; scopes: string[]; revoked: boolean; label?: string }[] = [
      { id: 't-1', scopes: ['users:read', 'users:write'], revoked: false },
      { id: 'token-22', scopes: ['users:read'], revoked: true, label: 'Entra' },
    ];
    type Row = (typeof rows)[number];
    const columns: Column<Row>[] = [['TOKEN ID', (r) => r.id], ['LABEL', (r) => r.label], ['SCOPES', (r) => r.scopes], ['REVOKED', (r) => r.revoked]];
    expect(table(rows, columns)).toBe(
      ['TOKEN ID  LABEL  SCOPES                  REVOKED', 't-1       -      users:read,users:write  no', 'token-22  Entra  users:read              yes', ''].join('\n'),
    );
    expect(table([], columns)).toBe('(none)\n');
  });

  it('aligns labelled fields and leaves out absent ones', () => {
    expect(fields([['Token id', 't-1'], ['Label', undefined], ['Expires at', 'never']])).toBe('Token id:    t-1\nExpires at:  never\n');
  });
});
