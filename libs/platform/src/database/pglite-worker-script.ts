/**
 * The worker thread that owns one PGlite instance, as plain CommonJS source run with `eval: true`:
 * the same text works under jest (which compiles TypeScript only in its own module registry, so a
 * .ts worker file could not start) and from the build (which copies no .js file). It loads PGlite
 * from the absolute path the main thread resolved (workerData.pglitePath) and answers on
 * workerData.port one reply per request, `{ id, result }` or `{ id, error }`, after posting
 * `{ ready: true }` (or `{ ready: false, error }`) once PGlite has started. After each reply it bumps
 * and notifies workerData.signal, so the main thread may wait for a quick answer without a turn of
 * its event loop. Transactions are PGlite's own: `begin` opens one under PGlite's lock, so requests
 * from outside it wait in PGlite's queue until `end` commits or rolls it back.
 */
export const PGLITE_WORKER_SCRIPT = String.raw`'use strict';
const { workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglitePath);
const { port } = workerData;
const signal = new Int32Array(workerData.signal);

const ROLLBACK = Symbol('rollback');
const transactions = new Map();
let db;

function reply(message) {
  port.postMessage(message);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

// Errors cross the thread boundary as their own primitive fields (PostgreSQL's code, severity, constraint...).
function describe(error) {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const fields = { name: error.name, message: error.message, stack: error.stack };
  for (const [key, value] of Object.entries(error)) {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol')) fields[key] = value;
  }
  return fields;
}

function executor(tx) {
  if (tx === undefined) return db;
  const open = transactions.get(tx);
  if (!open) throw new Error('Transaction is closed');
  return open.handle;
}

const operations = {
  query: async ({ sql, params, tx }) => (await executor(tx).query(sql, params)).rows,
  exec: async ({ sql, tx }) => void (await executor(tx).exec(sql)),
  begin: ({ tx }) =>
    new Promise((began, failed) => {
      const open = { entered: false };
      open.outcome = db.transaction(
        (handle) =>
          new Promise((commit, rollback) => {
            Object.assign(open, { entered: true, handle, finish: (committing) => (committing ? commit() : rollback(ROLLBACK)) });
            transactions.set(tx, open);
            began();
          }),
      );
      open.outcome.catch((error) => open.entered || failed(error));
    }),
  end: async ({ tx, commit }) => {
    const open = transactions.get(tx);
    if (!open) throw new Error('Transaction is closed');
    transactions.delete(tx);
    open.finish(commit);
    await open.outcome.catch((error) => {
      if (error !== ROLLBACK) throw error;
    });
  },
  close: () => db.close(),
};

port.on('message', ({ id, op, ...request }) => {
  Promise.resolve()
    .then(() => operations[op](request))
    .then(
      (result) => reply({ id, result }),
      (error) => reply({ id, error: describe(error) }),
    );
});

(async () => {
  db = workerData.dataDir ? new PGlite(workerData.dataDir) : new PGlite();
  await db.waitReady;
  reply({ ready: true });
})().catch((error) => reply({ ready: false, error: describe(error) }));
`;
