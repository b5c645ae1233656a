import fc from 'fast-check';
import { formList, formText, parseForm } from './form-fields';

describe('form fields', () => {
  it('reads text fields and repeated ones', () => {
    const form = parseForm('name=+Job%20Code+&scopes=users%3Aread&scopes=users%3Awrite&empty=&__proto__=x');
    expect(formText(form, 'name')).toBe('Job Code');
    expect(formText(form, 'empty')).toBeUndefined();
    expect(formText(form, 'scopes')).toBeUndefined();
    expect(formList(form, 'scopes')).toEqual(['users:read', 'users:write']);
    expect(formList(form, 'name')).toEqual([' Job Code ']);
    expect(formList(form, 'missing')).toEqual([]);
    expect(formText(undefined, 'name')).toBeUndefined();
    expect(formList([1, 2], 'length')).toEqual([]);
  });

  it('answers strings, or nothing, for any body', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (body, name) => {
        const form = parseForm(body);
        expect(['string', 'undefined']).toContain(typeof formText(form, name));
        expect(formList(form, name).every((v) => typeof v === 'string')).toBe(true);
      }),
    );
  });
});
