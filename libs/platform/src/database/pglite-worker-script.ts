/**
 * The worker thread that owns one PGlite instance, as plain CommonJS source run with `eval: true`:
 * the same text works under jest (which compiles TypeScript only in its own module registry, so a
 * .ts worker file could not start) and from the build (which copies no .js file). It loads PGlite
 * from the absolute path the main thread resolved (workerData.pglitePath) and answers on
 * workerData.port one reply per request, `{ id, result }` or `{ id, error }`, after posting
 * `{ ready: true }` (or `{ ready: false, error }`) once PGlite has started. After each reply it bumps
 * and notifies workerData.signal, so the main thread may wait for a quick answer without a turn of
 * its event loop. Transactions are PGlite's own: `begin` opens one under PGlite's lock, so requests
 * from outside it wait in PGlite's queue until `end` commits or rolls it back. `run` loads a
 * procedure (see SqlProcedure) from its module and runs it here over a SqlDatabase of this PGlite:
 * a whole transaction in one message, holding PGlite's lock only while it works. Run from sources
 * (jest), workerData.sources says how to load TypeScript modules as jest does (swc, @app/ paths).
 */
export const PGLITE_WORKER_SCRIPT = String.raw`'use strict';
const { workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglitePath);
const { port } = workerData;
const signal = new Int32Array(workerData.signal);

const ROLLBACK = Symbol('rollback');
const transactions = new Map();
let db;

const rows = async (result) => (await result).rows;
function executorOf(handle) {
  return { query: (sql, params) => rows(handle.query(sql, params)), exec: async (sql) => void (await handle.exec(sql)) };
}
// What procedures get: this PGlite as a SqlDatabase.
const database = {
  query: (sql, params) => rows(db.query(sql, params)),
  exec: async (sql) => void (await db.exec(sql)),
  transaction: (work) => db.transaction((handle) => work(executorOf(handle))),
};

if (workerData.sources) loadTypeScript(workerData.sources);

function loadTypeScript({ swcPath, root }) {
  const Module = require('node:module');
  const { readFileSync } = require('node:fs');
  const { join } = require('node:path');
  const swc = require(swcPath);
  const { $schema, ...options } = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));
  Module._extensions['.ts'] = (module, filename) => {
    module._compile(swc.transformSync(readFileSync(filename, 'utf8'), { ...options, filename, swcrc: false }).code, filename);
  };
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    const alias = /^@app\/([a-z-]+)(\/.*)?$/.exec(request);
    return resolveFilename.call(this, alias ? join(root, 'libs', alias[1], 'src', alias[2] ?? '') : request, ...rest);
  };
}

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
    if (value instanceof Date) fields[key] = value.toISOString();
    else if (value === null || (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol')) fields[key] = value;
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
  run: ({ module, name, args }) => require(module)[name].run(database, args),
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
