import { createEmptyDatabase } from '@app/platform/database/create-database';
import { testKafkaBrokers } from '@app/testing/kafka-topic-reader';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isBuilt, randomPort, runCli, runService, RunningService } from './built-service';

const ROOT = join(__dirname, '..');
const VALIDATOR = join(ROOT, 'deploy/validate-manifests.sh');
const VENV_PYTHON = join(ROOT, '.deploy-cache/manifests-venv/bin/python');
const run = promisify(execFile);

/** Runs the validator on a repository root: its exit code and everything it printed. */
async function validate(root: string): Promise<{ status: number; output: string }> {
  try {
    const { stdout, stderr } = await run('bash', [VALIDATOR, root], { timeout: 170_000 });
    return { status: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { status: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/**
 * A copy of the deployment artefacts with one edit, beside links to the sources the rules read.
 * The edit must change the file: an edit that matched nothing would prove nothing.
 */
function brokenCopy(file: string, from: string, to: string): string {
  const root = mkdtempSync(join(tmpdir(), 'deploy-manifests-'));
  for (const shared of ['apps', 'libs', 'package.json', 'package-lock.json', '.npmrc', 'tsconfig.base.json', 'tsconfig.build.json']) {
    symlinkSync(join(ROOT, shared), join(root, shared));
  }
  cpSync(join(ROOT, 'deploy'), join(root, 'deploy'), { recursive: true });
  cpSync(join(ROOT, '.dockerignore'), join(root, '.dockerignore'));
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} has no "${from}" to break`);
  writeFileSync(path, text.replace(from, to));
  return root;
}

type Yaml = Record<string, any>;

/** YAML documents as JSON, parsed by the validator's own PyYAML (no YAML parser among the project's dependencies). */
async function readYaml(file: string): Promise<Yaml[]> {
  const script = 'import json, sys, yaml; print(json.dumps([d for d in yaml.safe_load_all(open(sys.argv[1])) if d is not None]))';
  const { stdout } = await run(VENV_PYTHON, ['-c', script, join(ROOT, file)]);
  return JSON.parse(stdout) as Yaml[];
}

describe('deploy/validate-manifests.sh', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

  // The first run installs the validators from PyPI (15-50 s; concurrent runs wait for it); later runs take about 3 s.
  it('passes the committed Dockerfile, compose file and Kubernetes manifests', async () => {
    const { status, output } = await validate(ROOT);
    expect(output).toMatch(/manifest rules: \d+ Kubernetes resources against .*: 0 problems/);
    expect(status).toBe(0);
  }, 180_000);

  const broken: [string, string, string, string, RegExp][] = [
    ['a misspelt field (Kubernetes schema)', 'deploy/kubernetes/scim-worker.deployment.yaml', 'readinessProbe:', 'readinesProbe:', /'readinesProbe' was unexpected/],
    ['an unknown kind', 'deploy/kubernetes/scim-api.pdb.yaml', 'kind: PodDisruptionBudget', 'kind: PodDisruptionBudgt', /no Kubernetes 1\.30\.0 schema for kind PodDisruptionBudgt/],
    ['YAML that does not parse', 'deploy/kubernetes/configmap.yaml', 'data:\n', 'data:\n  - [\n', /cannot read the manifests/],
    ['a misspelt compose key (Compose Specification schema)', 'deploy/docker-compose.yml', 'stop_grace_period: 30s', 'stop_grace_perod: 30s', /'stop_grace_perod' was unexpected/],
    ['a user Kubernetes cannot verify as non-root (hadolint)', 'deploy/docker/Dockerfile', 'USER 1000:1000', 'USER node', /DL3066/],
    ['a grace period shorter than the shutdown', 'deploy/kubernetes/scim-api.deployment.yaml', 'terminationGracePeriodSeconds: 40', 'terminationGracePeriodSeconds: 20', /terminationGracePeriodSeconds 20 must exceed the preStop pause \(5 s\) \+ SHUTDOWN_TIMEOUT_MS \(25\.0 s\)/],
    ['a compose grace period shorter than the shutdown', 'deploy/docker-compose.yml', 'stop_grace_period: 30s', 'stop_grace_period: 10s', /stop_grace_period must exceed SHUTDOWN_TIMEOUT_MS/],
    ['a literal secret in the ConfigMap', 'deploy/kubernetes/configmap.yaml', '  LOG_LEVEL: "info"', '  LOG_LEVEL: "info"\n  ADMIN_TOKEN: "0123456789abcdef0123"', /ConfigMap: ADMIN_TOKEN looks like a secret/],
    ['a literal password in compose', 'deploy/docker-compose.yml', 'DATABASE_URL: postgres://scim@postgres', 'DATABASE_URL: postgres://scim:hunter2@postgres', /DATABASE_URL has a literal secret/],
    ['a variable the service does not read', 'deploy/kubernetes/configmap.yaml', 'KAFKA_BROKERS:', 'KAFKA_BROKER:', /ConfigMap: KAFKA_BROKER is not a variable the service reads/],
    ['a probe on an undeclared port', 'deploy/kubernetes/scim-worker.deployment.yaml', 'port: health', 'port: metrics', /startupProbe names port metrics/],
    ['a container port apart from its variable', 'deploy/kubernetes/configmap.yaml', 'ADMIN_PORT: "3002"', 'ADMIN_PORT: "3003"', /port admin is 3002 but the ConfigMap's ADMIN_PORT is 3003/],
    ['a root container', 'deploy/kubernetes/scim-worker.deployment.yaml', 'runAsNonRoot: true', 'runAsNonRoot: false', /securityContext runAsNonRoot must be True/],
    ['replicas beside the autoscaler', 'deploy/kubernetes/scim-api.deployment.yaml', '  revisionHistoryLimit: 5', '  replicas: 2\n  revisionHistoryLimit: 5', /scim-api sets replicas/],
    ['a Service port its pods do not declare', 'deploy/kubernetes/scim-api.service.yaml', 'targetPort: admin', 'targetPort: admn', /Service scim-api-admin targets port admn, which its pods do not declare/],
    ['a policy port its pods do not declare', 'deploy/kubernetes/networkpolicy.yaml', 'port: health', 'port: metrics', /NetworkPolicy scim-worker opens port metrics/],
    ['a ConfigMap no manifest defines', 'deploy/kubernetes/scim-worker.deployment.yaml', 'name: scim-ingress-config', 'name: scim-worker-config', /envFrom names ConfigMap scim-worker-config, which no manifest defines/],
    ['a manifest kustomize would leave out', 'deploy/kubernetes/kustomization.yaml', '  - networkpolicy.yaml\n', '', /does not list networkpolicy\.yaml/],
    ['a build input .dockerignore keeps out', '.dockerignore', '!libs/\n', '', /copies libs, which \.dockerignore keeps out of the build context/],
    ['an image started unlike npm start', 'deploy/docker/Dockerfile', '"--min-semi-space-size=16", ', '', /CMD node --max-semi-space-size=16 dist\/apps\/scim-api\/src\/main\.js differs from package\.json's start script/],
  ];
  it.concurrent.each(broken)('exits 1 on %s, naming it', async (_, file, from, to, message) => {
    const root = brokenCopy(file, from, to);
    roots.push(root);
    const { status, output } = await validate(root);
    expect(output).toMatch(message);
    expect(status).toBe(1);
  }, 180_000);
});

// Required by compiled code only when it runs from TypeScript sources (the PGlite worker under jest), never from dist/.
const SOURCES_ONLY = new Set(['@swc/core']);

/** The package a bare specifier names: `pg` of `pg/lib/x`, `@nestjs/core` of `@nestjs/core/x`. */
const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

function* compiledFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* compiledFiles(path);
    else if (entry.name.endsWith('.js')) yield path;
  }
}

(isBuilt ? describe : describe.skip)('the image\'s runtime stage', () => {
  it('holds every package the built service requires: the production dependencies (npm ci --omit=dev)', async () => {
    const { stdout } = await run('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT });
    const top = `${ROOT}/node_modules/`;
    const production = new Set(stdout.split('\n').filter((path) => path.startsWith(top) && !path.slice(top.length).includes('/node_modules/')).map((path) => path.slice(top.length)));
    expect(production.has('pg')).toBe(true);
    const builtins = new Set(builtinModules);
    const required = new Map<string, string>();
    for (const dir of ['apps', 'libs']) {
      for (const file of compiledFiles(join(ROOT, 'dist', dir))) {
        for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/require(?:\.resolve)?\(["']([^"'.][^"']*)["']\)/g)) {
          // @app/… are the build's own path aliases (tsc-alias rewrites them), node:… and bare built-ins are Node's.
          if (!specifier.startsWith('@app/') && !specifier.startsWith('node:') && !builtins.has(packageOf(specifier))) required.set(packageOf(specifier), file);
        }
      }
    }
    expect(required.size).toBeGreaterThan(5);
    const missing = [...required].filter(([name]) => !production.has(name) && !SOURCES_ONLY.has(name)).map(([name, file]) => `${name} (${file.slice(ROOT.length + 1)})`);
    expect(missing).toEqual([]);
  });
});

const defaultPorts = { PORT: '3000', ADMIN_PORT: '3002', WORKER_HEALTH_PORT: '3001' } as const;

/** An exec-form instruction of the Dockerfile (`CMD [...]`, `HEALTHCHECK … CMD [...]`) as its argument list. */
function dockerfileCommand(instruction: RegExp): string[] {
  const dockerfile = readFileSync(join(ROOT, 'deploy/docker/Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  return JSON.parse(instruction.exec(dockerfile)![1]) as string[];
}

/** The image's HEALTHCHECK command and the compose services' health checks, each with the listener it asks. */
async function healthChecks(): Promise<[string, string[], keyof typeof defaultPorts][]> {
  const image = dockerfileCommand(/^HEALTHCHECK .*?CMD (\[.*\])$/m);
  const [compose] = await readYaml('deploy/docker-compose.yml');
  const composeCheck = (service: string) => (compose.services[service].healthcheck.test as string[]).slice(1);
  return [
    ['Dockerfile HEALTHCHECK', image, 'PORT'],
    ['compose scim-api', composeCheck('scim-api'), 'PORT'],
    ['compose scim-worker', composeCheck('scim-worker'), 'WORKER_HEALTH_PORT'],
  ];
}

if (!isBuilt) process.stdout.write('Deployment configuration run skipped: no build (npm run build, which npm run test:all does first).\n');
const serverUrl = process.env.TEST_DATABASE_URL;
if (!serverUrl) process.stdout.write('Deployment configuration run skipped: scim-worker needs PostgreSQL (TEST_DATABASE_URL).\n');

/**
 * The Kubernetes manifests' configuration, run by the built service as the image runs it: the
 * ConfigMap's variables, the Secret's keys (the PostgreSQL password as PGPASSWORD, apart from
 * DATABASE_URL), each probe and scrape target on the port its name stands for. Only the addresses
 * differ: the test's PostgreSQL and Kafka, and free local ports for the three listeners.
 */
(isBuilt && serverUrl ? describe : describe.skip)('the Kubernetes configuration, run by the built service', () => {
  const running: RunningService[] = [];
  afterAll(async () => {
    await Promise.all(running.map((service) => service.stop('SIGKILL')));
  });

  it('starts scim-api and scim-worker, answers every probe, scrape target and Docker health check, serves admin apart from SCIM, and stops on SIGTERM within the grace period', async () => {
    const [configMap] = await readYaml('deploy/kubernetes/configmap.yaml');
    const [secret] = await readYaml('deploy/kubernetes/secret.example.yaml');
    const [api] = await readYaml('deploy/kubernetes/scim-api.deployment.yaml');
    const [worker] = await readYaml('deploy/kubernetes/scim-worker.deployment.yaml');
    const listeners = { PORT: randomPort(), ADMIN_PORT: randomPort(), WORKER_HEALTH_PORT: randomPort() };
    const portOf: Record<string, string> = { scim: listeners.PORT, admin: listeners.ADMIN_PORT, health: listeners.WORKER_HEALTH_PORT };
    const database = new URL(await createEmptyDatabase(serverUrl!, 'deploy_manifests'));
    const password = decodeURIComponent(database.password);
    database.password = '';
    const brokers = testKafkaBrokers();
    const adminToken = `admin-${randomUUID()}`;
    // Every key the Secret documents is set, as envFrom would set it; the placeholders themselves are refused at start.
    expect(Object.keys(secret.stringData).sort()).toEqual(['ADMIN_TOKEN', 'EVENTSTORE_CONNECTION_STRING', 'PGPASSWORD']);
    const env: Record<string, string> = {
      ...configMap.data,
      PGPASSWORD: password,
      ADMIN_TOKEN: adminToken,
      EVENTSTORE_CONNECTION_STRING: '',
      // Local addresses in place of the cluster's: loopback only, the test's PostgreSQL and Kafka.
      HOST: '127.0.0.1',
      ...listeners,
      DATABASE_URL: database.toString(),
      KAFKA_BROKERS: brokers ? brokers.join(',') : '',
      KAFKA_TOPIC: `deploy-manifests-${randomUUID()}`,
    };
    // The container's command, else the image's CMD.
    const command = (deployment: Yaml): string[] => deployment.spec.template.spec.containers[0].command ?? dockerfileCommand(/^CMD (\[.*\])$/m);
    const start = (deployment: Yaml, ready: RegExp) => {
      const [node, ...args] = command(deployment);
      expect(node).toBe('node');
      const script = args.pop()!;
      return runService(env, ready, { command: process.execPath, args: [...args, join(ROOT, script)], cwd: ROOT });
    };
    const apiProcess = await start(api, /SCIM ingress listening/);
    running.push(apiProcess);
    const workerProcess = await start(worker, /health endpoint listening/);
    running.push(workerProcess);
    expect(apiProcess.output).toMatch(/SCIM ingress listening/);
    expect(apiProcess.output).not.toMatch(/Admin Token/);
    expect(workerProcess.output).toMatch(/health endpoint listening/);

    // Every probe and scrape target, answered on the port its name stands for (all listed at once when one fails).
    const answers: string[] = [];
    const expected: string[] = [];
    for (const deployment of [api, worker]) {
      const pod = deployment.spec.template;
      const container = pod.spec.containers[0];
      const scrapePort = container.ports.find((p: Yaml) => String(p.containerPort) === pod.metadata.annotations['prometheus.io/port']).name;
      const targets: [string, string, string][] = [
        ...['startupProbe', 'livenessProbe', 'readinessProbe'].map((probe): [string, string, string] => [probe, container[probe].httpGet.port, container[probe].httpGet.path]),
        ['prometheus.io', scrapePort, pod.metadata.annotations['prometheus.io/path']],
      ];
      for (const [what, port, path] of targets) {
        const response = await fetch(`http://127.0.0.1:${portOf[port]}${path}`);
        const body = await response.text();
        const scrape = what === 'prometheus.io';
        answers.push(`${container.name} ${what} ${port} ${path}: ${response.status}${scrape ? (/^# HELP /m.test(body) ? ' exposition' : ' no exposition') : ''}`);
        expected.push(`${container.name} ${what} ${port} ${path}: 200${scrape ? ' exposition' : ''}`);
      }
    }
    expect(answers).toEqual(expected);

    // What the NetworkPolicy relies on: admin routes and /metrics are not on the SCIM port at all.
    const adminHeaders = { Authorization: `Bearer ${adminToken}` };
    expect((await fetch(`http://127.0.0.1:${listeners.PORT}/admin/v1/identity-providers`, { headers: adminHeaders })).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${listeners.PORT}/metrics`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${listeners.ADMIN_PORT}/admin/v1/identity-providers`, { headers: adminHeaders })).status).toBe(200);
    // `kubectl exec deploy/scim-api -- node dist/apps/admin-cli/src/main.js idp list`: the pod's own environment is enough.
    const cli = await runCli({ ADMIN_TOKEN: adminToken, ADMIN_PORT: listeners.ADMIN_PORT }, 'idp', 'list', '--json');
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);

    // The image's HEALTHCHECK and the compose services' health checks, run as Docker runs them: 0 here, 1 against a closed port.
    const checks = await healthChecks();
    const results: string[] = [];
    for (const [name, [program, ...args], port] of checks) {
      const closedPort = randomPort();
      const live = listeners[port];
      const onPort = (target: string) => args.map((arg) => arg.replace(`:${defaultPorts[port]}/`, `:${target}/`));
      const status = async (target: string) =>
        run(program, onPort(target), { env: { PATH: process.env.PATH, [port]: target }, timeout: 10_000 }).then(() => 0, (error: { code?: number }) => error.code ?? -1);
      results.push(`${name}: ${await status(live)} then ${await status(closedPort)}`);
    }
    expect(results).toEqual(checks.map(([name]) => `${name}: 0 then 1`));

    for (const [deployment, service] of [[api, apiProcess], [worker, workerProcess]] as const) {
      const spec = deployment.spec.template.spec;
      const pause = Number(spec.containers[0].lifecycle?.preStop?.exec?.command?.[1] ?? 0);
      const startedAt = Date.now();
      await service.stop('SIGTERM');
      expect(service.exitCode).toBe(0);
      expect(Date.now() - startedAt).toBeLessThan((spec.terminationGracePeriodSeconds - pause) * 1000);
    }
  }, 90_000);
});
