import { decideDisableScim, decideRevokeToken } from '@app/identity/identity-provider/identity-provider.decide';
import { IdentityProviderEvent } from '@app/identity/identity-provider/identity-provider.events';
import { IdentityProviderState } from '@app/identity/identity-provider/identity-provider.state';
import { bootstrapTokenId } from '@app/identity/identity-provider/provider-bootstrap.decide';
import { digestToken } from '@app/identity/identity-provider/token-digest';
import { storageTargets } from '@app/testing/postgres-target';
import { ScimClient } from '@app/testing/scim-client';
import { NO_RATE_LIMITS, ScimTestServer } from '@app/testing/scim-test-server';
import { randomUUID } from 'node:crypto';
import { IdentityProviderWriter } from '../identity-providers/identity-provider-writer';
import { AUTH_LOOKUP_TTL_MS } from './scim-authenticator';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const provider = () => ({ providerId: `revoke-${randomUUID().slice(0, 8)}`, token: `token-${randomUUID()}` });
const tokenIdOf = (token: string) => bootstrapTokenId(digestToken(token));

/** An operator's change made in `server`'s process, through the IdP writer as the CLI and bootstrap make them. */
async function changeHere(server: ScimTestServer, providerId: string, decide: (state: IdentityProviderState) => IdentityProviderEvent[]): Promise<void> {
  await new IdentityProviderWriter(server.stores, 'test').write(providerId, decide);
}

const targets = storageTargets();

describe.each(targets.map((t) => [t.name, t] as const))('token revocation and disable on %s', (_name, target) => {
  it('take effect at once in the process that made them, though its lookups were just cached', async () => {
    const [revoked, disabled] = [provider(), provider()];
    const server = await ScimTestServer.start(target, [revoked, disabled]);
    try {
      const clients = [revoked, disabled].map((p) => new ScimClient(server.tenantUrl(p.providerId), p.token));
      for (const client of clients) expect((await client.get('/Users')).status).toBe(200);
      await changeHere(server, revoked.providerId, (s) => decideRevokeToken(s, tokenIdOf(revoked.token)));
      expect((await clients[0].get('/Users')).status).toBe(401);
      await changeHere(server, disabled.providerId, decideDisableScim);
      expect((await clients[1].get('/Users')).status).toBe(403);
    } finally {
      await server.close();
    }
  });

  it('cost a bounded number of directory queries under a flood of random tokens and unknown tenants', async () => {
    const known = provider();
    const server = await ScimTestServer.start(target, [known], undefined, { rateLimits: NO_RATE_LIMITS });
    try {
      expect((await new ScimClient(server.tenantUrl(known.providerId), known.token).get('/Users')).status).toBe(200);
      const query = jest.spyOn(server.stores.db, 'query');
      const started = performance.now();
      const statuses: number[] = [];
      const randomDigests = new Set<string>();
      for (let i = 0; i < 300; i += 1) {
        const randomToken = `random-${randomUUID()}`;
        randomDigests.add(digestToken(randomToken));
        statuses.push((await new ScimClient(server.tenantUrl(known.providerId), randomToken).get('/Users')).status);
        statuses.push((await new ScimClient(server.tenantUrl(`unknown-${randomUUID()}`), known.token).get('/Users')).status);
      }
      const windows = Math.ceil((performance.now() - started) / AUTH_LOOKUP_TTL_MS) + 1;
      const directory = query.mock.calls.filter(([sql]) => /identity_providers|scim_tokens/.test(sql));
      const reads = (test: (params: readonly unknown[]) => boolean) => directory.filter(([, params = []]) => test(params)).length;
      expect(new Set(statuses)).toEqual(new Set([401, 404]));
      // A token is never looked up by itself: it comes with its IdP.
      expect(reads((params) => params.some((p) => randomDigests.has(String(p))))).toBe(0);
      // Per ttl at most: the id list, the known IdP, and the budget of 20 reads of ids not on the list.
      expect(reads((params) => params.length === 0)).toBeLessThanOrEqual(windows);
      expect(reads((params) => params[0] === known.providerId)).toBeLessThanOrEqual(windows);
      expect(reads((params) => String(params[0]).startsWith('unknown-'))).toBeLessThanOrEqual(windows * 20);
    } finally {
      await server.close();
    }
  });
});

const postgres = targets.find((t) => t.name === 'postgresql');

(postgres ? describe : describe.skip)('a revoke made in one API instance, seen by another on the same PostgreSQL database', () => {
  it('is effective at once where it was made and within the lookup ttl (1 s) in the other', async () => {
    const idp = provider();
    const first = await ScimTestServer.start(postgres!, [idp]);
    const second = await first.startSibling();
    try {
      const [here, there] = [first, second].map((s) => new ScimClient(s.tenantUrl(idp.providerId), idp.token));
      expect((await here.get('/Users')).status).toBe(200);
      expect((await there.get('/Users')).status).toBe(200);
      await changeHere(first, idp.providerId, (s) => decideRevokeToken(s, tokenIdOf(idp.token)));
      const revokedAt = performance.now();
      expect((await here.get('/Users')).status).toBe(401);
      // The other instance's lookup was read before the revoke, so it expires at most 1 s after it.
      await sleep(Math.max(0, AUTH_LOOKUP_TTL_MS - (performance.now() - revokedAt)));
      expect((await there.get('/Users')).status).toBe(401);
    } finally {
      await second.close();
      await first.close();
    }
  });
});
