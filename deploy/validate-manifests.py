"""The deployment manifests' own rules, after the schema checks of validate-manifests.sh.

Usage: python validate-manifests.py <repository root> <kubernetes version>...
Prints one line per problem and exits 1 when there is any. Runs in the validator's virtualenv
(kubernetes-validate brings the Kubernetes schemas, PyYAML the parser).
"""
import json
import re
import sys
from pathlib import Path

import kubernetes_validate
import yaml

# Read by the PostgreSQL client (node-pg) or Node itself, not by the service's configuration.
RUNTIME_VARIABLES = {'PGPASSWORD', 'PGSSLMODE', 'PGAPPNAME', 'NODE_ENV', 'NODE_OPTIONS', 'TZ'}
SECRET_NAME = re.compile(r'TOKEN|PASSWORD|SECRET')
SHUTDOWN_DEFAULT_MS = 25_000


def load_all(path):
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def known_variables(root):
    """Every environment variable the service reads: its configuration, the limits, the admin CLI."""
    names = set(RUNTIME_VARIABLES)
    for source in (root / 'libs/platform/src/config/app-config.ts', root / 'libs/scim/src/limits/limit-detail.ts'):
        names.update(re.findall(r"'([A-Z][A-Z0-9_]{2,})'", source.read_text()))
    for source in list(root.glob('apps/*/src/**/*.ts')) + list(root.glob('libs/*/src/**/*.ts')):
        if not re.search(r'\.(spec|int-spec|e2e-spec|fixture)\.ts$', source.name):
            names.update(re.findall(r'\benv\.([A-Z][A-Z0-9_]+)', source.read_text()))
    return names


class Manifests:
    def __init__(self, root):
        self.root = root
        self.k8s_dir = root / 'deploy/kubernetes'
        self.files = sorted(p for p in self.k8s_dir.glob('*.yaml') if p.name != 'kustomization.yaml')
        self.docs = [(path, doc) for path in self.files for doc in load_all(path)]
        self.compose = yaml.safe_load((root / 'deploy/docker-compose.yml').read_text())
        self.problems = []

    def problem(self, where, text):
        self.problems.append(f'{where}: {text}')

    def of_kind(self, kind):
        return [(path, doc) for path, doc in self.docs if doc.get('kind') == kind]

    def config_map(self):
        maps = self.of_kind('ConfigMap')
        return maps[0][1].get('data', {}) if maps else {}

    def shutdown_ms(self):
        return int(self.config_map().get('SHUTDOWN_TIMEOUT_MS', SHUTDOWN_DEFAULT_MS))


def check_schemas(m, versions):
    """Strict schema validation; an unknown kind or apiVersion is an error, not the library's warning."""
    for path, doc in m.docs:
        if not isinstance(doc, dict):
            m.problem(path.name, 'a document that is no Kubernetes object')
            continue
        for version in versions:
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except kubernetes_validate.SchemaNotFoundError:
                m.problem(path.name, f"no Kubernetes {version} schema for kind {doc.get('kind')} of {doc.get('apiVersion')}")
            except kubernetes_validate.ValidationError as error:
                where = '.'.join(str(p) for p in error.path)
                m.problem(path.name, f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')} against {version}: {where}: {error.message}")


def check_kustomization(m):
    listed = yaml.safe_load((m.k8s_dir / 'kustomization.yaml').read_text()).get('resources', [])
    for name in listed:
        if not (m.k8s_dir / name).is_file():
            m.problem('kustomization.yaml', f'lists {name}, which does not exist')
    for path in m.files:
        if path.name not in listed and not path.name.endswith('.example.yaml'):
            m.problem('kustomization.yaml', f'does not list {path.name}')


def containers(m):
    for path, doc in m.of_kind('Deployment'):
        pod = doc['spec']['template']
        for container in pod['spec']['containers']:
            yield path, doc, pod, container


def check_variables(m):
    known = known_variables(m.root)

    def check(where, names):
        for name in names:
            if name not in known:
                m.problem(where, f'{name} is not a variable the service reads')

    check('ConfigMap', m.config_map())
    for path, doc in m.of_kind('Secret'):
        check(path.name, {**doc.get('data', {}), **doc.get('stringData', {})})
    for path, _, _, container in containers(m):
        check(path.name, [e['name'] for e in container.get('env', [])])
    for name in ('scim-api', 'scim-worker'):
        check(f'docker-compose.yml {name}', m.compose['services'][name].get('environment', {}))
    example = m.root / 'deploy/compose/secrets.env.example'
    names = re.findall(r'^#?\s*([A-Z][A-Z0-9_]+)=', example.read_text(), re.M)
    check(example.name, [n for n in names if not n.startswith('POSTGRES_')])


def check_no_literal_secrets(m):
    """Secrets live in the Secret or in deploy/compose/secrets.env: a committed value is a leak."""
    for name, value in m.config_map().items():
        if SECRET_NAME.search(name) or re.search(r'://[^/@\s]+:[^/@\s]+@', str(value)):
            m.problem('ConfigMap', f'{name} looks like a secret: put it in the Secret')
    for name, service in m.compose['services'].items():
        for key, value in (service.get('environment') or {}).items():
            if SECRET_NAME.search(key) or re.search(r'://[^/@\s]+:[^/@\s]+@', str(value)):
                m.problem(f'docker-compose.yml {name}', f'{key} has a literal secret: put it in deploy/compose/secrets.env')


def seconds(duration):
    match = re.fullmatch(r'(\d+)(ms|s|m)', str(duration))
    return int(match.group(1)) * {'ms': 0.001, 's': 1, 'm': 60}[match.group(2)] if match else 0


def check_workloads(m):
    shutdown_s = m.shutdown_ms() / 1000
    for path, doc, pod, container in containers(m):
        where = f"{path.name} {container['name']}"
        spec = pod['spec']
        ports = {p.get('name'): p['containerPort'] for p in container.get('ports', [])}
        for probe in ('startupProbe', 'livenessProbe', 'readinessProbe'):
            get = container.get(probe, {}).get('httpGet')
            if get is None:
                m.problem(where, f'has no {probe} over HTTP')
            elif get['port'] not in ports and get['port'] not in ports.values():
                m.problem(where, f"{probe} names port {get['port']}, which the container does not declare")
        scrape_port = pod['metadata'].get('annotations', {}).get('prometheus.io/port')
        if scrape_port is None or int(scrape_port) not in ports.values():
            m.problem(where, f'prometheus.io/port {scrape_port} is not a port of the container')
        pause = container.get('lifecycle', {}).get('preStop', {}).get('exec', {}).get('command', [])
        pause_s = int(pause[1]) if pause[:1] == ['sleep'] else 0
        grace = spec.get('terminationGracePeriodSeconds', 30)
        if grace <= pause_s + shutdown_s:
            m.problem(where, f'terminationGracePeriodSeconds {grace} must exceed the preStop pause ({pause_s} s) + SHUTDOWN_TIMEOUT_MS ({shutdown_s} s)')
        context = {**spec.get('securityContext', {}), **container.get('securityContext', {})}
        for key, wanted in (('runAsNonRoot', True), ('readOnlyRootFilesystem', True), ('allowPrivilegeEscalation', False)):
            if context.get(key) is not wanted:
                m.problem(where, f'securityContext {key} must be {wanted}')
        resources = container.get('resources', {})
        if not resources.get('requests', {}).get('cpu') or not resources.get('limits', {}).get('memory'):
            m.problem(where, 'needs a CPU request and a memory limit')


# Each named container port is the listener a configuration variable opens (README.md, "Configuration").
PORT_VARIABLES = {'scim': 'PORT', 'admin': 'ADMIN_PORT', 'health': 'WORKER_HEALTH_PORT'}


def check_ports(m):
    config = m.config_map()
    for path, _, _, container in containers(m):
        for port in container.get('ports', []):
            variable = PORT_VARIABLES.get(port.get('name'))
            if variable is None:
                m.problem(path.name, f"port {port.get('name')} is none of {', '.join(PORT_VARIABLES)}")
            elif str(port['containerPort']) != config.get(variable):
                m.problem(path.name, f"port {port['name']} is {port['containerPort']} but the ConfigMap's {variable} is {config.get(variable)}")


def check_scaling(m):
    deployments = {doc['metadata']['name']: doc for _, doc in m.of_kind('Deployment')}
    hpas = m.of_kind('HorizontalPodAutoscaler')
    for path, hpa in hpas:
        target = hpa['spec']['scaleTargetRef']['name']
        if target not in deployments:
            m.problem(path.name, f'scales {target}, which is no Deployment here')
        elif 'replicas' in deployments[target]['spec']:
            m.problem(path.name, f'{target} sets replicas: every apply would reset what the autoscaler chose')
        if hpa['spec'].get('minReplicas', 1) < 2:
            m.problem(path.name, 'minReplicas must be at least 2')
    if not any(h['spec']['scaleTargetRef']['name'] == 'scim-api' for _, h in hpas):
        m.problem('kubernetes', 'scim-api has no HorizontalPodAutoscaler')
    api_labels = deployments.get('scim-api', {}).get('spec', {}).get('template', {}).get('metadata', {}).get('labels', {})
    budgets = [doc for _, doc in m.of_kind('PodDisruptionBudget')]
    if not any(api_labels and all(api_labels.get(k) == v for k, v in b['spec']['selector']['matchLabels'].items()) for b in budgets):
        m.problem('kubernetes', 'no PodDisruptionBudget selects scim-api')


def check_compose(m):
    shutdown_s = int(m.compose.get('x-scim-environment', {}).get('SHUTDOWN_TIMEOUT_MS', SHUTDOWN_DEFAULT_MS)) / 1000
    for name in ('scim-api', 'scim-worker'):
        service = m.compose['services'][name]
        if seconds(service.get('stop_grace_period', '10s')) <= shutdown_s:
            m.problem(f'docker-compose.yml {name}', f'stop_grace_period must exceed SHUTDOWN_TIMEOUT_MS ({shutdown_s} s)')
        if 'healthcheck' not in service:
            m.problem(f'docker-compose.yml {name}', 'has no healthcheck')
        for store, wanted in (service.get('depends_on') or {}).items():
            if wanted.get('condition') != 'service_healthy':
                m.problem(f'docker-compose.yml {name}', f'must wait for {store} to be healthy')


def check_image_context(m):
    """What the Dockerfile copies from the build context is let through by .dockerignore's allow-list."""
    allowed = {line[1:].rstrip('/') for line in (m.root / '.dockerignore').read_text().splitlines() if line.startswith('!')}
    for line in (m.root / 'deploy/docker/Dockerfile').read_text().splitlines():
        if line.startswith('COPY ') and '--from=' not in line:
            for source in [word for word in line.split()[1:-1] if not word.startswith('--')]:
                if source.rstrip('/') not in allowed:
                    m.problem('Dockerfile', f'copies {source}, which .dockerignore keeps out of the build context')
                if not (m.root / source).exists():
                    m.problem('Dockerfile', f'copies {source}, which does not exist')


def check_start_command(m):
    """The image starts scim-api as `npm start` does: the same Node flags (its young generation, README "Garbage collection under attack")."""
    start = json.loads((m.root / 'package.json').read_text())['scripts']['start'].split()
    commands = [line for line in (m.root / 'deploy/docker/Dockerfile').read_text().splitlines() if line.startswith('CMD ')]
    image = json.loads(commands[-1][len('CMD '):])
    if image != start:
        m.problem('Dockerfile', f"CMD {' '.join(image)} differs from package.json's start script ({' '.join(start)})")


# Created by the operator (deploy/README.md), so no manifest holds it.
OPERATOR_SECRETS = {'scim-ingress-secrets'}


def selected_ports(m, selector):
    """The container ports (name -> number) of the pods a label selector picks."""
    ports = {}
    for _, _, pod, container in containers(m):
        labels = pod['metadata'].get('labels', {})
        if selector and all(labels.get(k) == v for k, v in selector.items()):
            ports.update({p.get('name'): p['containerPort'] for p in container.get('ports', [])})
    return ports


def check_references(m):
    """What one manifest names in another: a Service's or a policy's port, a workload's configuration."""
    for path, service in m.of_kind('Service'):
        ports = selected_ports(m, service['spec'].get('selector', {}))
        if not ports:
            m.problem(path.name, f"Service {service['metadata']['name']} selects no pod of these manifests")
        for port in service['spec']['ports']:
            target = port.get('targetPort', port['port'])
            if target not in ports and target not in ports.values():
                m.problem(path.name, f"Service {service['metadata']['name']} targets port {target}, which its pods do not declare")
    for path, policy in m.of_kind('NetworkPolicy'):
        ports = selected_ports(m, policy['spec']['podSelector'].get('matchLabels', {}))
        for rule in policy['spec'].get('ingress', []):
            for port in rule.get('ports', []):
                if port.get('port') not in ports and port.get('port') not in ports.values():
                    m.problem(path.name, f"NetworkPolicy {policy['metadata']['name']} opens port {port.get('port')}, which its pods do not declare")
    config_maps = {doc['metadata']['name'] for _, doc in m.of_kind('ConfigMap')}
    secrets = {doc['metadata']['name'] for _, doc in m.of_kind('Secret')} | OPERATOR_SECRETS
    for path, _, _, container in containers(m):
        for source in container.get('envFrom', []):
            if 'configMapRef' in source and source['configMapRef']['name'] not in config_maps:
                m.problem(path.name, f"envFrom names ConfigMap {source['configMapRef']['name']}, which no manifest defines")
            if 'secretRef' in source and source['secretRef']['name'] not in secrets:
                m.problem(path.name, f"envFrom names Secret {source['secretRef']['name']}, which neither a manifest nor deploy/README.md creates")


RULES = (check_kustomization, check_references, check_variables, check_no_literal_secrets, check_workloads, check_ports, check_scaling, check_compose, check_image_context, check_start_command)


def main():
    root, versions = Path(sys.argv[1]), sys.argv[2:]
    try:
        m = Manifests(root)
    except (OSError, yaml.YAMLError) as error:
        print(f'cannot read the manifests: {error}')
        sys.exit(1)
    check_schemas(m, versions)
    # The rules read fields the schemas vouch for: on a schema error they would only add noise.
    if not m.problems:
        for rule in RULES:
            try:
                rule(m)
            except (KeyError, TypeError, AttributeError, ValueError) as error:
                m.problem(rule.__name__, f'a manifest lacks what the rule reads: {error!r}')
    for problem in m.problems:
        print(problem)
    print(f"manifest rules: {len(m.docs)} Kubernetes resources against {', '.join(versions)}, compose, Dockerfile: {len(m.problems)} problems")
    sys.exit(1 if m.problems else 0)


if __name__ == '__main__':
    main()
