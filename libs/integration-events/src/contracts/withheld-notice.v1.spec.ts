import type { EventMetadata, RecordedEvent } from '@app/event-store/event-store.port';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { USER_EVENT_TYPES } from '@app/identity/user/user.events';
import { CONTRACTS, contractSchemas } from './contract-schemas.fixture';
import { ACTOR_KIND_HEADER } from './event-actor.v1';
import { toIntegrationMessage } from './user-lifecycle.v1';
import { overLimit, refusedByBroker, toWithheldNotice, WITHHELD_HEADER } from './withheld-notice.v1';

const { titles, validatorOf: schemaOf } = contractSchemas();

const providerId = 'contoso-entra';
const userId = '8b0c2c8e-6a51-4a43-9a4e-2f3d3b1b1a10';

function recorded(type: string, data: object, position = 42, metadata: Omit<EventMetadata, 'occurredAt'> = {}): RecordedEvent {
  return {
    id: 'a1f5e2b0-1111-4c4c-9d9d-000000000001',
    type,
    data: { providerId, userId, ...data },
    metadata: { occurredAt: '2026-12-01T10:00:00.000Z', ...metadata },
    streamId: `user-${providerId}-${userId}`,
    revision: 3,
    position,
    recordedAt: new Date('2026-12-01T10:00:00.000Z'),
  };
}

/** Valid or not, with ajv's errors when not, so that a failure says why. */
function validate(eventType: string, value: unknown) {
  const check = schemaOf(eventType);
  return { valid: check(value), errors: check.errors ?? null };
}

const EVENTS = [
  ['UserProvisioned', { attributes: { userName: 'ada@example.com', displayName: 'Ada' } }],
  ['UserReplaced', { attributes: { userName: 'ada@example.com' } }],
  ['AttributesPatched', { changes: [{ attribute: 'displayName', oldValue: 'Ada', newValue: 'Ada L.' }] }],
  ['UserDeactivated', {}],
  ['UserReactivated', {}],
  ['UserDeleted', {}],
  ['AttributesCleared', { changes: [{ attribute: 'title', oldValue: 'Analyst' }] }],
  ['ReprovisionRequested', {}],
  ['UserReprovisioned', { attributes: { userName: 'ada@example.com', active: true } }],
] as const;

describe('withheld notices (contract v1)', () => {
  it.each(EVENTS)('a %s notice keeps key, ce_id and ce_type, adds ce_withheld, and is valid against the event schema', (type, data) => {
    const message = toIntegrationMessage(recorded(type, data))!;
    expect(validate(type, JSON.parse(message.value))).toEqual({ valid: true, errors: null });
    const notice = toWithheldNotice(message, overLimit(message.event, 2_000_000, 1_000_000));
    expect(notice.key).toBe(message.key);
    expect(notice.position).toBe(message.position);
    expect(notice.headers).toEqual({ ...message.headers, [WITHHELD_HEADER]: 'too-large' });
    const value = JSON.parse(notice.value);
    expect(validate(type, value)).toEqual({ valid: true, errors: null });
    expect(value).toEqual({
      providerId,
      userId,
      revision: 3,
      logPosition: 42,
      occurredAt: '2026-12-01T10:00:00.000Z',
      withheld: { reason: 'too-large', bytes: 2_000_000, limit: 1_000_000, scimPath: `/scim/v2/enterprise-idps/${providerId}/Users/${userId}`, replayAfter: 41 },
    });
  });

  it.each([
    ['MESSAGE_TOO_LARGE', 'too-large'],
    ['RECORD_LIST_TOO_LARGE', 'too-large'],
    ['INVALID_RECORD', 'refused'],
    ['UNKNOWN_SERVER_ERROR', 'refused'],
  ])('names a broker refusal %s as %s, with the broker error code and no limit of ours', (brokerError, reason) => {
    const message = toIntegrationMessage(recorded('AttributesPatched', EVENTS[2][1]))!;
    const notice = toWithheldNotice(message, refusedByBroker(message.event, 5_000, brokerError));
    expect(notice.headers[WITHHELD_HEADER]).toBe(reason);
    const value = JSON.parse(notice.value);
    expect(value.withheld).toEqual({ reason, brokerError, bytes: 5_000, scimPath: `/scim/v2/enterprise-idps/${providerId}/Users/${userId}`, replayAfter: 41 });
    expect(value).not.toHaveProperty('changes');
    expect(validate('AttributesPatched', value)).toEqual({ valid: true, errors: null });
  });

  it('is compact: a notice for a 1 MB event takes well under a kilobyte', () => {
    const message = toIntegrationMessage(recorded('UserProvisioned', { attributes: { userName: 'ada@example.com', displayName: 'x'.repeat(1_000_000) } }))!;
    const notice = toWithheldNotice(message, overLimit(message.event, 1_000_200, 1_000_000));
    expect(notice.value.length + JSON.stringify(notice.headers).length).toBeLessThan(1_000);
  });

  it('the schemas take the event or the notice, never both, never neither', () => {
    const base = { providerId, userId, revision: 3, logPosition: 42, occurredAt: '2026-12-01T10:00:00.000Z' };
    const withheld = { reason: 'too-large', bytes: 10, scimPath: `/scim/v2/enterprise-idps/${providerId}/Users/${userId}`, replayAfter: 41 };
    expect(validate('UserProvisioned', { ...base, attributes: {}, withheld }).valid).toBe(false);
    expect(validate('UserProvisioned', base).valid).toBe(false);
    expect(validate('AttributesPatched', base).valid).toBe(false);
    expect(validate('UserDeleted', { ...base, withheld: { ...withheld, reason: 'lost' } }).valid).toBe(false);
    expect(validate('UserDeleted', { ...base, withheld: { ...withheld, scimPath: '/elsewhere' } }).valid).toBe(false);
  });
});

describe('the user lifecycle contract (v1)', () => {
  const asyncapi = readFileSync(join(CONTRACTS, 'asyncapi.yaml'), 'utf8');

  it.each(USER_EVENT_TYPES)('publishes %s with a JSON Schema and an AsyncAPI message', (type) => {
    expect(titles).toContain(`${type} v1`);
    expect(asyncapi).toContain(`      ${type}: { $ref: '#/components/messages/${type}' }`);
    expect(toIntegrationMessage(recorded(type, EVENTS.find(([t]) => t === type)![1]))?.headers.ce_type).toBe(`com.traffitech.scim.user.${type}.v1`);
  });

  it('carries an administrator\'s clear as a change set and a re-baseline as the whole state, both valid', () => {
    const cleared = JSON.parse(toIntegrationMessage(recorded('AttributesCleared', EVENTS[6][1]))!.value);
    expect(cleared.changes).toEqual([{ attribute: 'title', oldValue: 'Analyst' }]);
    expect(validate('AttributesCleared', cleared)).toEqual({ valid: true, errors: null });
    const rebaselined = JSON.parse(toIntegrationMessage(recorded('UserReprovisioned', EVENTS[8][1]))!.value);
    expect(rebaselined.attributes).toEqual({ userName: 'ada@example.com', active: true });
    expect(validate('UserReprovisioned', rebaselined)).toEqual({ valid: true, errors: null });
  });

  it('refuses an empty clear, a re-baseline without active, and a re-provision request with content', () => {
    const base = { providerId, userId, revision: 3, logPosition: 42, occurredAt: '2026-12-01T10:00:00.000Z' };
    expect(validate('AttributesCleared', { ...base, changes: [] }).valid).toBe(false);
    expect(validate('UserReprovisioned', { ...base, attributes: { userName: 'ada@example.com' } }).valid).toBe(false);
    expect(validate('ReprovisionRequested', { ...base, attributes: { userName: 'ada@example.com' } }).valid).toBe(false);
    expect(validate('ReprovisionRequested', base)).toEqual({ valid: true, errors: null });
  });
});

describe('who acted and in which request (contract v1, optional members)', () => {
  const requestId = '0d6c7f0e-5b7a-4d55-8a0f-3c1f7e2b9a11';
  const ACTORS = [
    ['an IdP token', { kind: 'idp-token', providerId, tokenId: 'tok-1' }, { kind: 'idp', providerId, tokenId: 'tok-1' }],
    ['an admin token', { kind: 'admin', tokenId: 'adm-1', name: 'helpdesk' }, { kind: 'admin', tokenId: 'adm-1', label: 'helpdesk' }],
    ['the service', { kind: 'system', name: 'first-start' }, { kind: 'system', name: 'first-start' }],
  ] as const;
  const cases = ACTORS.flatMap(([who, logged, published]) => EVENTS.map(([type, data]) => [type, who, logged, published, data] as const));

  it.each(cases)('%s by %s carries the actor in contract words, the request id and ce_actorkind, and is valid', (type, _who, logged, published, data) => {
    const message = toIntegrationMessage(recorded(type, data, 42, { actor: logged, correlationId: requestId, clientAddress: '10.0.0.7' }))!;
    const value = JSON.parse(message.value);
    expect(value.actor).toEqual(published);
    expect(value.requestId).toBe(requestId);
    expect(message.headers[ACTOR_KIND_HEADER]).toBe(published.kind);
    // Provenance beyond who and which request (client address, the SCIM body) stays in the log.
    expect(message.value).not.toContain('10.0.0.7');
    expect(validate(type, value)).toEqual({ valid: true, errors: null });
  });

  it.each(EVENTS)('an old %s without actor or request id has neither member nor header, and is still valid', (type, data) => {
    const message = toIntegrationMessage(recorded(type, data))!;
    const value = JSON.parse(message.value);
    expect(value).not.toHaveProperty('actor');
    expect(value).not.toHaveProperty('requestId');
    expect(message.headers).not.toHaveProperty(ACTOR_KIND_HEADER);
    expect(validate(type, value)).toEqual({ valid: true, errors: null });
  });

  it.each([
    ['an IdP actor without its token id', { kind: 'idp-token', providerId }],
    ['an admin actor without a label', { kind: 'admin', tokenId: 'adm-1' }],
    ['a system actor without a name', { kind: 'system' }],
  ] as const)('leaves out %s rather than publish an invalid actor', (_what, logged) => {
    const message = toIntegrationMessage(recorded('UserDeleted', {}, 42, { actor: logged, correlationId: requestId }))!;
    const value = JSON.parse(message.value);
    expect(value).not.toHaveProperty('actor');
    expect(value.requestId).toBe(requestId);
    expect(validate('UserDeleted', value)).toEqual({ valid: true, errors: null });
  });

  it('a withheld notice keeps the actor, the request id and ce_actorkind', () => {
    const [, logged, published] = ACTORS[1];
    const message = toIntegrationMessage(recorded('AttributesCleared', EVENTS[6][1], 42, { actor: logged, correlationId: requestId }))!;
    const notice = toWithheldNotice(message, overLimit(message.event, 2_000_000, 1_000_000));
    const value = JSON.parse(notice.value);
    expect(value).toMatchObject({ actor: published, requestId, withheld: { reason: 'too-large' } });
    expect(notice.headers[ACTOR_KIND_HEADER]).toBe('admin');
    expect(validate('AttributesCleared', value)).toEqual({ valid: true, errors: null });
  });

  it('refuses an actor of unknown kind, with a member of another kind, with a secret-looking extra, or an empty request id', () => {
    const base = { providerId, userId, revision: 3, logPosition: 42, occurredAt: '2026-12-01T10:00:00.000Z' };
    expect(validate('UserDeleted', { ...base, actor: { kind: 'robot', name: 'x' } }).valid).toBe(false);
    expect(validate('UserDeleted', { ...base, actor: { kind: 'admin', tokenId: 'adm-1', label: 'helpdesk', providerId } }).valid).toBe(false);
    expect(validate('UserDeleted', { ...base, actor: { kind: 'idp', providerId, tokenId: 'tok-1', token: 'secret' } }).valid).toBe(false);
    expect(validate('UserDeleted', { ...base, actor: { kind: 'idp', providerId } }).valid).toBe(false);
    expect(validate('UserDeleted', { ...base, requestId: '' }).valid).toBe(false);
  });
});
