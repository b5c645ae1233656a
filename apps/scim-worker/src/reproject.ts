import { ConfigError, loadConfig } from '@app/platform/config/app-config';
import { createLogger } from '@app/platform/logging/logger';
import { openStores, Stores } from '@app/read-model/open-stores';
import { parseArgs } from 'node:util';
import { runReprojection } from './reprojection-report';

const USAGE =
  'Usage: npm run reproject -- [--dry-run]\n' +
  'Rebuilds the read-model rows of every stream quarantined after a projection failure, once the cause is fixed.\n' +
  'Uses DATABASE_URL, or the embedded store under DATA_DIR (stop the server first: PGlite serves one process).\n' +
  'Exit code: 0 when every stream re-projected (or none was quarantined), 1 when some still fail, 2 when it could not run.';

const COULD_NOT_RUN = 2;

/** A reason the command could not run, told to the operator as is. */
class CannotRun extends Error {}

async function main(): Promise<number> {
  const args = parseCommandLine();
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadConfig();
  // Log lines go to stderr, so stdout carries only the report.
  const logger = createLogger(config.logLevel, process.stderr).child({ app: 'reproject' });
  let stores: Stores;
  try {
    stores = await openStores(config, logger, 'cli');
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    if (config.databaseUrl) throw new CannotRun(`Cannot open the PostgreSQL database in DATABASE_URL: ${cause}`);
    throw new CannotRun(`Cannot open the embedded store under DATA_DIR (${config.dataDir}): ${cause}\nIt serves one process: stop the server first.`);
  }
  try {
    return await runReprojection(stores, args['dry-run'], (line) => process.stdout.write(line));
  } finally {
    await stores.close();
  }
}

function parseCommandLine() {
  try {
    return parseArgs({ options: { 'dry-run': { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } }).values;
  } catch (error) {
    throw new CannotRun(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof ConfigError || error instanceof CannotRun;
    process.stderr.write(`${known ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(COULD_NOT_RUN);
  },
);
