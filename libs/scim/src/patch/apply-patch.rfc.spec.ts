import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserAttributes } from '../resource/user-attributes';
import { UserSchema } from '../schema/user-schema';
import { PatchOperation, applyChanges, applyPatch } from './apply-patch';

interface RfcFixture {
  readonly section: string;
  readonly adapted: string;
  readonly before: UserAttributes;
  readonly request: { readonly Operations: readonly PatchOperation[] };
  readonly after: UserAttributes;
  readonly changed: readonly string[];
}

const directory = join(__dirname, '../../test/fixtures');
const fixtures = readdirSync(directory)
  .filter((file) => /^rfc7644-3\.5\.2\.\d-.*\.json$/.test(file))
  .sort()
  .map((file) => [file, JSON.parse(readFileSync(join(directory, file), 'utf8')) as RfcFixture] as const);
const schema = UserSchema.withCustomAttributes([]);

describe('RFC 7644 §3.5.2 examples, adapted to Users (libs/scim/test/fixtures)', () => {
  it('finds the fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
  });

  it.each(fixtures)('%s', (_file, fixture) => {
    const result = applyPatch(schema, fixture.before, fixture.request.Operations);
    expect(result.attributes).toEqual(fixture.after);
    expect(result.changes.map((change) => change.attribute)).toEqual(fixture.changed);
    expect(result.dropped).toEqual([]);
    expect(applyChanges(fixture.before, result.changes)).toEqual(fixture.after);
  });
});
