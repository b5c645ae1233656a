import { and, eq, not, pr, valuePath } from '../filter/filter-builders';
import { parseFilter } from '../filter/filter-parser';
import { attribute, complex } from '../schema/attribute-definition';
import { CORE_USER_SCHEMA } from '../schema/core-user.schema';
import { ENTERPRISE_USER_SCHEMA } from '../schema/enterprise-user.schema';
import { evaluateFilter } from './evaluate-filter';

const definitionOf = (name: string) => [...CORE_USER_SCHEMA.attributes, ...ENTERPRISE_USER_SCHEMA.attributes].find((a) => a.name === name)!;
const emails = definitionOf('emails');
const photos = definitionOf('photos');
const work = { value: 'Bjensen@Example.com', type: 'work', primary: true };

describe('evaluateFilter (RFC 7644 §3.4.2.2 operators on one element)', () => {
  it.each<[string, boolean]>([
    ['type eq "work"', true],
    ['type eq "WORK"', true],
    ['TYPE eq "work"', true],
    ['type eq "home"', false],
    ['type ne "home"', true],
    ['type ne "work"', false],
    ['value co "example"', true],
    ['value sw "bjensen@"', true],
    ['value ew ".COM"', true],
    ['value ew ".org"', false],
    ['type gt "home"', true],
    ['type ge "work"', true],
    ['type lt "work"', false],
    ['type le "work"', true],
    ['primary eq true', true],
    ['primary eq "True"', true],
    ['primary eq "true"', true],
    ['primary eq "False"', false],
    ['primary ne false', true],
    ['primary eq "maybe"', false],
    ['primary gt false', false],
    ['display pr', false],
    ['value pr', true],
    ['display eq null', true],
    ['value eq null', false],
    ['display ne "x"', true],
    ['display eq "x"', false],
    ['unknown eq "x"', false],
    ['type eq "work" and primary eq true', true],
    ['type eq "home" or value co "jensen"', true],
    ['not (type eq "work")', false],
    ['not (type eq "home") and (value sw "b" or value sw "c")', true],
  ])('%s → %s', (text, expected) => {
    expect(evaluateFilter(parseFilter(text), work, emails)).toBe(expected);
  });

  it('honours caseExact sub-attributes', () => {
    const photo = { value: 'https://photos.example.com/Profile/1.jpg', type: 'photo' };
    expect(evaluateFilter(eq('value', 'https://photos.example.com/Profile/1.jpg'), photo, photos)).toBe(true);
    expect(evaluateFilter(eq('value', 'https://photos.example.com/profile/1.jpg'), photo, photos)).toBe(false);
    expect(evaluateFilter(eq('type', 'PHOTO'), photo, photos)).toBe(true);
  });

  it('treats an element that is not an object as having no sub-attributes', () => {
    expect(evaluateFilter(pr('value'), 'bjensen@example.com', emails)).toBe(false);
    expect(evaluateFilter(not(eq('type', 'work')), null, emails)).toBe(true);
  });

  it('compares numbers and dateTimes by value', () => {
    const metric = complex('metrics', [attribute('count', 'integer'), attribute('at', 'dateTime')], { multiValued: true });
    const element = { count: 10, at: '2024-01-02T00:00:00Z' };
    expect(evaluateFilter(parseFilter('count gt 9'), element, metric)).toBe(true);
    expect(evaluateFilter(parseFilter('count le "10"'), element, metric)).toBe(true);
    expect(evaluateFilter(parseFilter('at gt "2024-01-01T23:00:00-02:00"'), element, metric)).toBe(false);
    expect(evaluateFilter(parseFilter('at lt "2024-01-02T01:00:00+00:00"'), element, metric)).toBe(true);
  });

  it('evaluates a nested valuePath and multi-valued sub-attributes', () => {
    const holder = complex('holder', [complex('items', [attribute('kind', 'string')], { multiValued: true })], { multiValued: true });
    const element = { items: [{ kind: 'a' }, { kind: 'b' }] };
    expect(evaluateFilter(valuePath('items', eq('kind', 'B')), element, holder)).toBe(true);
    expect(evaluateFilter(valuePath('items', eq('kind', 'c')), element, holder)).toBe(false);
    expect(evaluateFilter(and(pr('items'), eq('items.kind', 'a')), element, holder)).toBe(true);
  });

  it('reads "value" as the element of a multi-valued simple attribute', () => {
    const tags = attribute('tags', 'string', { multiValued: true });
    expect(evaluateFilter(eq('value', 'Blue'), 'blue', tags)).toBe(true);
    expect(evaluateFilter(eq('other', 'blue'), 'blue', tags)).toBe(false);
  });
});
