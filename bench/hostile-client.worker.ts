import { parentPort, workerData } from 'node:worker_threads';
import { HostileKind, runHostileClient, Tenant } from './tenant-load';

/** Runs the hostile client in its own thread, so that its own work does not weigh on the server's event loop. */
const { tenant, concurrency, kinds } = workerData as { tenant: Tenant; concurrency: number; kinds: HostileKind[] };
let stopped = false;
parentPort?.once('message', () => (stopped = true));
void runHostileClient(tenant, concurrency, () => stopped, kinds).then((report) => parentPort?.postMessage(report));
