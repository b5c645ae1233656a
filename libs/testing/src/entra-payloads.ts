/**
 * What Microsoft Entra ID's provisioning engine sends, per /work/shared/design/entra-id.md: the
 * default mode (capitalised ops, "True"/"False" strings, one op per attribute) and the
 * aadOptscim062020 mode (lower-case ops, folded path-less values with dotted and URN keys).
 */
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type EntraMode = 'default' | 'aadOptscim062020';

export function entraCreateUser(userName: string, externalId: string): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
    externalId,
    userName,
    active: true,
    emails: [{ primary: true, type: 'work', value: userName }],
    meta: { resourceType: 'User' },
    name: { formatted: 'Ada Lovelace', familyName: 'Lovelace', givenName: 'Ada' },
    roles: [],
    displayName: 'Ada Lovelace',
    title: 'Analyst',
    phoneNumbers: [{ type: 'work', value: '+44 (0)20 7946-0000' }],
    [ENTERPRISE]: { employeeNumber: '0815', department: 'Engines' },
    [CUSTOM]: { JobCode: 'AE-1' },
  };
}

export function entraUpdateAttributes(mode: EntraMode): Record<string, unknown> {
  if (mode === 'default') {
    return {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'displayName', value: 'Ada King' },
        { op: 'Replace', path: 'name.familyName', value: 'King' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'ada.king@example.com' },
        { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+44 7700 900123' },
        { op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Analytical Engines' },
        { op: 'Add', path: `${CUSTOM}:JobCode`, value: 'AE-2' },
      ],
    };
  }
  return {
    schemas: [PATCH_OP],
    Operations: [
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'ada.king@example.com' },
      { op: 'add', path: 'phoneNumbers[type eq "mobile"].value', value: '+44 7700 900123' },
      {
        op: 'replace',
        value: {
          displayName: 'Ada King',
          'name.familyName': 'King',
          [`${ENTERPRISE}:department`]: 'Analytical Engines',
          [`${CUSTOM}:JobCode`]: 'AE-2',
        },
      },
    ],
  };
}

export function entraSetManager(mode: EntraMode, managerId: string): Record<string, unknown> {
  return { schemas: [PATCH_OP], Operations: [{ op: mode === 'default' ? 'Add' : 'add', path: `${ENTERPRISE}:manager`, value: managerId }] };
}

export function entraSetActive(mode: EntraMode, active: boolean): Record<string, unknown> {
  const value = mode === 'default' ? (active ? 'True' : 'False') : active;
  return { schemas: [PATCH_OP], Operations: [{ op: mode === 'default' ? 'Replace' : 'replace', path: 'active', value }] };
}
