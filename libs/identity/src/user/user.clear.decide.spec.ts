import { ScimError } from '@app/scim/errors/scim-error';
import { DEFAULT_SCIM_LIMITS as limits } from '@app/scim/limits/scim-limits';
import type { UserAttributes } from '@app/scim/resource/user-attributes';
import { UserSchema } from '@app/scim/schema/user-schema';
import { CUSTOM, ENTERPRISE } from '@app/testing/entra-payloads';
import fc from 'fast-check';
import { decideClear } from './user.clear.decide';
import { UserEvent } from './user.events';
import { foldUser } from './user.state';

const schema = UserSchema.withCustomAttributes([`${CUSTOM}:JobCode`]);
const ref = { providerId: 'entra-contoso', userId: '5f0c2d7e-0000-4000-8000-000000000001' };
const mobile = { type: 'mobile', value: '+44 7700 900123' };
const work = { type: 'work', value: '+44 20 7946 0000' };
const ada: UserAttributes = {
  userName: 'Ada@contoso.com',
  externalId: 'ada',
  active: false,
  title: 'Analyst',
  phoneNumbers: [work, mobile],
  [ENTERPRISE]: { department: 'Engines' },
  [CUSTOM]: { JobCode: 'AE-1' },
};
const provisioned: UserEvent = { type: 'UserProvisioned', data: { ...ref, attributes: ada } };
const clear = (paths: string[], history: UserEvent[] = [provisioned]) => decideClear(foldUser(history), { schema, paths, limits });
const isScimError = (scimType: string) => (error: unknown) => error instanceof ScimError && error.status === 400 && error.scimType === scimType;

describe('decideClear (an administrator clears what Entra never clears)', () => {
  it('removes a title, a filtered phone value and a custom attribute in one AttributesCleared', () => {
    const { events, cleared } = clear(['title', 'phoneNumbers[type eq "mobile"].value', `${CUSTOM}:JobCode`]);
    expect(cleared).toEqual(['title', 'phoneNumbers[type eq "mobile"].value', `${CUSTOM}:JobCode`]);
    expect(events).toEqual([
      {
        type: 'AttributesCleared',
        data: {
          ...ref,
          changes: [
            { attribute: 'title', oldValue: 'Analyst' },
            { attribute: 'phoneNumbers', oldValue: [work, mobile], newValue: [work, { type: 'mobile' }] },
            { attribute: `${CUSTOM}:JobCode`, oldValue: 'AE-1' },
          ],
        },
      },
    ]);
  });

  it('leaves the other values as they were', () => {
    const { events } = clear(['phoneNumbers[type eq "mobile"]', 'title']);
    const { title: _title, ...untitled } = ada;
    expect(foldUser([provisioned, ...events])).toEqual({ status: 'present', ...ref, attributes: { ...untitled, phoneNumbers: [work] }, awaitingReprovision: false });
  });

  it('records nothing when no path has a value, and says what was cleared when only some had', () => {
    expect(clear(['nickName', 'phoneNumbers[type eq "fax"].value'])).toEqual({ events: [], cleared: [] });
    expect(clear(['nickName', 'title']).cleared).toEqual(['title']);
  });

  it('clears from a user awaiting re-provisioning too', () => {
    const requested: UserEvent = { type: 'ReprovisionRequested', data: ref };
    expect(clear(['title'], [provisioned, requested]).cleared).toEqual(['title']);
  });

  it.each<[string, string[], string]>([
    ['no path', [], 'invalidPath'],
    ['an unknown attribute', ['favouriteColour'], 'invalidPath'],
    ['an unregistered custom attribute', [`${CUSTOM}:CostCenter`], 'invalidPath'],
    ['an unregistered extension', ['urn:example:params:scim:schemas:extension:other:2.0:User:x'], 'invalidPath'],
    ['a malformed filter', ['phoneNumbers[type eq "mobile".value'], 'invalidPath'],
    ['a required attribute', ['userName'], 'invalidValue'],
    ['active (it would reactivate the user)', ['active'], 'invalidPath'],
    ['a read-only attribute', ['id'], 'mutability'],
  ])('refuses %s with a SCIM 400', (_case, paths, scimType) => {
    expect(() => clear(paths)).toThrow(ScimError);
    try {
      clear(paths);
    } catch (error) {
      expect(isScimError(scimType)(error)).toBe(true);
    }
  });

  it.each<[string, UserEvent[]]>([
    ['absent', []],
    ['deleted', [provisioned, { type: 'UserDeleted', data: ref }]],
  ])('refuses a user that is %s as USER_NOT_FOUND', (_case, history) => {
    expect(() => clear(['title'], history)).toThrow(expect.objectContaining({ code: 'USER_NOT_FOUND' }));
  });
});

describe('decideClear properties', () => {
  const CLEARABLE = ['title', 'nickName', 'externalId', 'phoneNumbers', 'phoneNumbers[type eq "mobile"]', 'phoneNumbers[type eq "work"].value', `${CUSTOM}:JobCode`, `${ENTERPRISE}:department`, ENTERPRISE];

  it('leaves nothing to clear a second time, keeps userName, and reports a path only when its clear changed something', () => {
    fc.assert(
      fc.property(fc.subarray(CLEARABLE, { minLength: 1 }), (paths) => {
        const first = clear(paths);
        const history = [provisioned, ...first.events];
        expect(clear(paths, history)).toEqual({ events: [], cleared: [] });
        const after = foldUser(history);
        expect(after.status === 'present' && after.attributes.userName).toBe(ada.userName);
        expect(first.cleared.every((path) => paths.includes(path))).toBe(true);
        expect(first.events.length > 0).toBe(first.cleared.length > 0);
      }),
    );
  });
});
