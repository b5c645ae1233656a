import { applyChanges, diffAttributes } from './attribute-change';
import { AttributeChange } from './patch-types';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const before = {
  userName: 'a',
  name: { givenName: 'A', familyName: 'B' },
  emails: [{ type: 'work', value: 'a@x' }],
  [ENTERPRISE]: { department: 'D', manager: { value: '42' } },
};

describe('diffAttributes', () => {
  it.each<[string, Record<string, unknown>, AttributeChange[]]>([
    ['nothing for equal values, whatever the member order', { ...before, name: { familyName: 'B', givenName: 'A' } }, []],
    ['a changed core attribute, whole', { ...before, name: { givenName: 'A' } }, [{ attribute: 'name', oldValue: before.name, newValue: { givenName: 'A' } }]],
    ['an added attribute without oldValue', { ...before, title: 'T' }, [{ attribute: 'title', newValue: 'T' }]],
    ['a removed attribute without newValue', (({ emails: _e, ...rest }) => rest)(before), [{ attribute: 'emails', oldValue: before.emails }]],
    ['a reordered multi-valued attribute', { ...before, emails: [{ value: 'a@x', type: 'work' }] }, []],
    ['extension attributes by full name', { ...before, [ENTERPRISE]: { department: 'E', manager: { value: '42' } } }, [{ attribute: `${ENTERPRISE}:department`, oldValue: 'D', newValue: 'E' }]],
    ['each attribute of a removed extension', (({ [ENTERPRISE]: _x, ...rest }) => rest)(before), [
      { attribute: `${ENTERPRISE}:department`, oldValue: 'D' },
      { attribute: `${ENTERPRISE}:manager`, oldValue: { value: '42' } },
    ]],
  ])('%s', (_title, after, expected) => {
    expect(diffAttributes(before, after)).toEqual(expected);
  });
});

describe('applyChanges', () => {
  it('sets, deletes, and deletes an emptied extension, without mutating its input', () => {
    const snapshot = structuredClone(before);
    const result = applyChanges(before, [
      { attribute: 'title', newValue: 'T' },
      { attribute: 'emails', oldValue: before.emails },
      { attribute: `${ENTERPRISE}:department`, oldValue: 'D' },
      { attribute: `${ENTERPRISE}:manager`, oldValue: { value: '42' } },
      { attribute: 'urn:example:ext:2.0:User:code', newValue: 'C' },
    ]);
    expect(result).toEqual({ userName: 'a', name: before.name, title: 'T', 'urn:example:ext:2.0:User': { code: 'C' } });
    expect(before).toEqual(snapshot);
  });

  it('inverts diffAttributes', () => {
    const after = { userName: 'b', emails: [{ type: 'home', value: 'b@x' }], [ENTERPRISE]: { costCenter: '1' } };
    expect(applyChanges(before, diffAttributes(before, after))).toEqual(after);
  });
});
