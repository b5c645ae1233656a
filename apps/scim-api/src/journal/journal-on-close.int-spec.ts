import 'reflect-metadata';
import { loadConfig } from '@app/platform/config/app-config';
import { createLogger } from '@app/platform/logging/logger';
import { openStores } from '@app/read-model/open-stores';
import { Writable } from 'node:stream';
import { createScimApp } from '../create-app';

describe('closing the SCIM app', () => {
  it('writes the queued journal entries after the server stopped, and only then runs afterClose (where the stores close)', async () => {
    const config = { ...loadConfig({}), dataDir: ':memory:', port: 0, host: '127.0.0.1' };
    const logger = createLogger('warn', new Writable({ write: (_chunk, _encoding, done) => done() }));
    const stores = await openStores(config, logger);
    const seen: unknown[] = [];
    const app = await createScimApp(config, logger, stores, undefined, {
      afterClose: async () => {
        seen.push(...(await stores.db.query('SELECT request_id, status FROM request_journal')));
        await stores.close();
      },
    });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    const answer = await fetch(`http://127.0.0.1:${address.port}/scim/v2/enterprise-idps/nobody/Users`);
    expect(answer.status).toBe(404);
    await app.close();
    expect(seen).toEqual([{ request_id: answer.headers.get('x-request-id'), status: 404 }]);
  });
});
