import { CUSTOM, ENTERPRISE, entraCreateUser, PATCH_OP } from '@app/testing/entra-payloads';
import { describeOnEveryStore } from '@app/testing/describe-on-every-store';
import { randomUUID } from 'node:crypto';

// The IdP registered JobCode only: every other custom attribute Entra sends is dropped and recorded.
const PROVIDER = { providerId: 'quirks', token: 'quirks-token-0123456789abcdef', customAttributes: [`${CUSTOM}:JobCode`] };
const UNREGISTERED = 'urn:ietf:params:scim:schemas:extension:OtherExtension:2.0:User';

describeOnEveryStore('Entra ID quirks (entra-id.md §5)', [PROVIDER], (suite) => {

  const create = (extra: Record<string, unknown> = {}) =>
    suite.scim.post('/Users', { ...entraCreateUser(`q.${randomUUID()}@example.com`, randomUUID()), ...extra });

  it.each(['?aadOptscim062020', '?AADOPTSCIM062020=true', '?aadOptSCIM062020=True&filter=userName+eq+%22x%22', '?aadoptscim062020='])(
    'accepts and ignores the flag as %s on every route',
    async (query) => {
      expect((await suite.scim.get(`/Users${query}`)).status).toBe(200);
      expect((await suite.scim.get(`/ServiceProviderConfig${query}`)).status).toBe(200);
      const created = await suite.scim.post(`/Users${query}`, entraCreateUser(`f.${randomUUID()}@example.com`, randomUUID()));
      expect(created.status).toBe(201);
      expect((await suite.scim.get(`/USERS/${created.body.id}${query}`)).status).toBe(200);
    },
  );

  it('Q9/Q21: drops custom attributes the IdP has not registered and records the drop on the event', async () => {
    const created = await create({ [UNREGISTERED]: { Region: 'EMEA' }, [CUSTOM]: { JobCode: 'J1', CompanyID: '42' } });
    expect(created.status).toBe(201);
    expect(created.body[CUSTOM]).toEqual({ JobCode: 'J1' });
    expect(created.body[UNREGISTERED]).toBeUndefined();
    const [provisioned] = await suite.server.stores.events.readStream(`user-${PROVIDER.providerId}-${created.body.id}`);
    expect(provisioned.metadata.droppedAttributes).toEqual(expect.arrayContaining([UNREGISTERED, `${CUSTOM}:CompanyID`]));

    const patched = await suite.scim.patch(`/Users/${created.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Add', path: `${UNREGISTERED}:Region`, value: 'APAC' },
        { op: 'Replace', path: `${CUSTOM}:JobCode`, value: 'J2' },
      ],
    });
    expect(patched.status).toBe(200);
    expect(patched.body[CUSTOM]).toEqual({ JobCode: 'J2' });
    const events = await suite.server.stores.events.readStream(`user-${PROVIDER.providerId}-${created.body.id}`);
    expect(events[1].metadata.droppedAttributes).toEqual([`${UNREGISTERED}:Region`]);
  });

  it('Q30: tolerates the tutorial POST with null members and a malformed enterprise URN in schemas', async () => {
    const created = await create({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
      addresses: null,
      title: null,
      [ENTERPRISE]: { manager: null, department: 'Ops' },
    });
    expect(created.status).toBe(201);
    expect(created.body).not.toHaveProperty('addresses');
    expect(created.body).not.toHaveProperty('title');
    expect(created.body[ENTERPRISE]).toEqual({ department: 'Ops' });
  });

  it('Q10: takes the tutorial manager shape on path "manager" and reads it back as {value}', async () => {
    const boss = await create();
    const user = await create();
    const patched = await suite.scim.patch(`/Users/${user.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'manager', value: [{ $ref: null, value: boss.body.id }] }],
    });
    expect(patched.body[ENTERPRISE].manager).toEqual({ value: boss.body.id });
    const removed = await suite.scim.patch(`/Users/${user.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: `${ENTERPRISE}:manager`, value: '' }],
    });
    expect(removed.body[ENTERPRISE].manager).toBeUndefined();
  });

  it('Q5/Q6/Q7: several ops on one filter land in one element, creating it when missing, leaving other types alone', async () => {
    const user = await create({ addresses: [{ type: 'home', locality: 'Bath' }] });
    const patched = await suite.scim.patch(`/Users/${user.body.id}`, {
      Operations: [
        { op: 'Replace', path: 'addresses[type eq "work"].locality', value: 'London' },
        { op: 'Replace', path: 'addresses[type eq "work"].postalCode', value: 'EC1A 1BB' },
        { op: 'Add', path: 'roles[primary eq "True"].value', value: 'Admin' },
      ],
      schemas: [PATCH_OP],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.addresses).toEqual([
      { type: 'home', locality: 'Bath' },
      { type: 'work', locality: 'London', postalCode: 'EC1A 1BB' },
    ]);
    expect(patched.body.roles).toEqual([{ primary: true, value: 'Admin' }]);
  });

  it('Q2/Q4: a folded path-less replace with "False", dotted and URN keys, as the SCIM Validator sends it', async () => {
    const user = await create();
    const patched = await suite.scim.patch(`/Users/${user.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [
        {
          op: 'Replace',
          value: { active: 'False', 'name.givenName': 'Augusta', [`${ENTERPRISE}:employeeNumber`]: '0816', [ENTERPRISE]: { costCenter: 'CC1' } },
        },
      ],
    });
    expect(patched.body).toMatchObject({ active: false, name: { givenName: 'Augusta', familyName: 'Lovelace' } });
    expect(patched.body[ENTERPRISE]).toEqual({ employeeNumber: '0816', department: 'Engines', costCenter: 'CC1' });
    const types = (await suite.server.stores.events.readStream(`user-${PROVIDER.providerId}-${user.body.id}`)).map((e) => e.type);
    expect(types).toEqual(['UserProvisioned', 'AttributesPatched', 'UserDeactivated']);
  });

  it('serves GET with no SCIM media type headers and PATCH answered with the full user (Q14)', async () => {
    const user = await create();
    const response = await fetch(`${suite.server.tenantUrl(PROVIDER.providerId)}/Users/${user.body.id}`, {
      headers: { Authorization: `Bearer ${PROVIDER.token}`, Accept: 'text/html' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/scim+json; charset=utf-8');
  });

  it('stores values exactly as sent: phone formats, e-mail case, odd whitespace (Q25)', async () => {
    const phones = [{ type: 'work', value: '+1 (555) 010-9999 ext. 7' }, { type: 'mobile', value: '0049 170  1234567' }];
    const emails = [{ type: 'work', value: 'Mixed.Case@Example.COM', primary: true }];
    const user = await create({ phoneNumbers: phones, emails, displayName: '  Spaced  Name ' });
    const read = await suite.scim.get(`/Users/${user.body.id}`);
    expect(read.body).toMatchObject({ phoneNumbers: phones, emails, displayName: '  Spaced  Name ' });
  });
});
