import { parentPort, workerData } from 'node:worker_threads';
import { runHostileClient, Tenant } from './tenant-load';

/** Runs the hostile client in its own thread, so that its own work does not weigh on the server's event loop. */
const { tenant, concurrency } = workerData as { tenant: Tenant; concurrency: number };
let stopped = false;
parentPort?.once('message', () => (stopped = true));
void runHostileClient(tenant, concurrency, () => stopped).then((report) => parentPort?.postMessage(report));
