// What the rendered manifests must mean, beyond the API schema: each check takes one overlay's
// objects and returns its problems (empty = fine), naming the object and what is wrong.
import type { ImageFacts } from './image.js';
import { find, ofKind, type K8sObject } from './kustomize.js';

export const BFF_DEPLOYMENT = 'storefront-bff';
export const BFF_CONTAINER = 'bff';
/** The BFF's own probes: alive (the event loop answers) and ready (this instance can serve). */
export const LIVENESS_PATH = '/health';
export const READINESS_PATH = '/ready';
/** The Secret the production overlay expects to exist (created outside the repository). */
export const BFF_SECRET = 'storefront-bff-secrets';

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];
const label = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
const baseName = (name: string) => name.replace(/-[a-z0-9]{10}$/, '');

type Labels = Record<string, string>;
const isSubset = (small: Labels | undefined, big: Labels | undefined) => Object.entries(small ?? {}).every(([k, v]) => big?.[k] === v);

export function podTemplate(o: K8sObject): any | undefined {
  if (o.kind === 'CronJob') return o.spec?.jobTemplate?.spec?.template;
  return WORKLOAD_KINDS.includes(o.kind) ? o.spec?.template : undefined;
}

export function bffDeployment(objects: readonly K8sObject[]): { deployment: K8sObject; pod: any; container: any } | undefined {
  const deployment = find(objects, 'Deployment', BFF_DEPLOYMENT);
  const pod = deployment?.spec?.template;
  const container = (pod?.spec?.containers ?? []).find((c: any) => c.name === BFF_CONTAINER);
  return deployment && container ? { deployment, pod, container } : undefined;
}

const namespaceOf = (o: K8sObject) => o.metadata.namespace ?? 'default';

/** A container's port by name or number → its number. */
function containerPort(container: any, port: string | number | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return (container?.ports ?? []).find((p: any) => p.name === port)?.containerPort;
}

// ---------------------------------------------------------------------------------------------
// the pod's environment

function decodeSecret(secret: K8sObject, key: string): string | undefined {
  if (secret.stringData?.[key] !== undefined) return String(secret.stringData[key]);
  const b64 = secret.data?.[key];
  return b64 === undefined ? undefined : Buffer.from(String(b64), 'base64').toString('utf8');
}

export interface PodEnv {
  /** name → value, for what the manifests determine (ConfigMaps, literals, rendered Secrets). */
  readonly values: Record<string, string>;
  /** Every name the pod sets, including those whose value is not known here. */
  readonly names: readonly string[];
  /** Names whose value comes from a Secret that is not rendered (created outside the repository). */
  readonly external: Readonly<Record<string, { secret: string; key: string; optional: boolean }>>;
  /** Names filled in by the downward API (`resourceFieldRef`, `fieldRef`). */
  readonly downward: Readonly<Record<string, any>>;
  readonly problems: readonly string[];
}

/** The BFF container's environment as Kubernetes will build it from the rendered objects. */
export function podEnv(objects: readonly K8sObject[]): PodEnv {
  const bff = bffDeployment(objects);
  const values: Record<string, string> = {};
  const names: string[] = [];
  const external: Record<string, { secret: string; key: string; optional: boolean }> = {};
  const downward: Record<string, any> = {};
  const problems: string[] = [];
  if (!bff) return { values, names, external, downward, problems: [`no Deployment ${BFF_DEPLOYMENT} with a container ${BFF_CONTAINER}`] };
  for (const from of bff.container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    const source = objects.find((o) => o.kind === kind && o.metadata.name === ref?.name);
    if (!source) {
      if (!ref?.optional) problems.push(`${label(bff.deployment)}: envFrom ${kind} ${ref?.name} is not rendered`);
      continue;
    }
    for (const key of Object.keys(source.data ?? {})) {
      names.push(key);
      values[key] = kind === 'Secret' ? decodeSecret(source, key)! : String(source.data[key]);
    }
  }
  for (const e of bff.container.env ?? []) {
    names.push(e.name);
    if (e.value !== undefined) values[e.name] = String(e.value);
    else if (e.valueFrom?.secretKeyRef || e.valueFrom?.configMapKeyRef) {
      const ref = e.valueFrom.secretKeyRef ?? e.valueFrom.configMapKeyRef;
      const kind = e.valueFrom.secretKeyRef ? 'Secret' : 'ConfigMap';
      const source = objects.find((o) => o.kind === kind && o.metadata.name === ref.name);
      if (!source) {
        if (kind === 'Secret') external[e.name] = { secret: ref.name, key: ref.key, optional: ref.optional === true };
        else problems.push(`${label(bff.deployment)}: ${e.name} reads ConfigMap ${ref.name}, which is not rendered`);
        continue;
      }
      const value = kind === 'Secret' ? decodeSecret(source, ref.key) : source.data?.[ref.key];
      if (value === undefined) {
        if (!ref.optional) problems.push(`${label(bff.deployment)}: ${e.name} reads ${kind} ${ref.name} key ${ref.key}, which it does not have`);
      } else values[e.name] = String(value);
    } else if (e.valueFrom?.resourceFieldRef || e.valueFrom?.fieldRef) downward[e.name] = e.valueFrom;
    else problems.push(`${label(bff.deployment)}: ${e.name} has neither a value nor a source`);
  }
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  if (dupes.length) problems.push(`${label(bff.deployment)}: set twice: ${[...new Set(dupes)].join(', ')}`);
  return { values, names: [...new Set(names)], external, downward, problems };
}

/** Every name the BFF's pod sets is one the BFF reads (`accepted`), apart from `exempt`. */
export function checkEnvNames(env: PodEnv, accepted: ReadonlySet<string>, exempt: readonly string[] = []): string[] {
  return env.names
    .filter((n) => !accepted.has(n) && !exempt.includes(n))
    .map((n) => `the BFF's pod sets ${n}, which the BFF does not read (a typo, or a setting that does nothing)`);
}

// ---------------------------------------------------------------------------------------------
// the pod and the image

/**
 * The Deployment agrees with the image: the container port is the image's PORT (and EXPOSEd),
 * the ConfigMap's PORT says the same, the Service and the probes reach it, the pod runs as the
 * image's user by number, and the probes ask the BFF's own liveness and readiness paths.
 */
export function checkImageAgreement(objects: readonly K8sObject[], image: ImageFacts, env: PodEnv): string[] {
  const bff = bffDeployment(objects);
  if (!bff) return [`no Deployment ${BFF_DEPLOYMENT} with a container ${BFF_CONTAINER}`];
  const p: string[] = [];
  const where = `${label(bff.deployment)} container ${BFF_CONTAINER}`;
  const http = containerPort(bff.container, 'http');
  const port = Number(env.values.PORT ?? image.env.PORT);
  if (http === undefined) p.push(`${where}: no port named http`);
  else {
    if (http !== port) p.push(`${where}: port http is ${http}, but the BFF listens on PORT=${port}`);
    if (!image.expose.includes(http)) p.push(`${where}: port ${http} is not EXPOSEd by the image (${image.expose.join(', ') || 'none'})`);
  }
  const host = env.values.HOST ?? image.env.HOST;
  if (host !== '0.0.0.0') p.push(`${where}: HOST is ${host ?? 'unset'}: the BFF would listen on loopback only, unreachable from other pods`);
  const service = find(objects, 'Service', BFF_DEPLOYMENT);
  if (!service) p.push(`no Service ${BFF_DEPLOYMENT}`);
  else {
    if (!isSubset(service.spec?.selector, bff.pod.metadata?.labels) || Object.keys(service.spec?.selector ?? {}).length === 0)
      p.push(`${label(service)}: its selector does not select the BFF's pods`);
    for (const sp of service.spec?.ports ?? []) {
      if (containerPort(bff.container, sp.targetPort ?? sp.port) !== port)
        p.push(`${label(service)}: port ${sp.port} goes to ${String(sp.targetPort)}, not the BFF's port ${port}`);
    }
  }
  const sc = { ...bff.pod.spec?.securityContext, ...bff.container.securityContext };
  if (image.uid === undefined) p.push(`the image's USER ${image.user ?? '(none)'} has no known uid`);
  else if (sc.runAsUser !== image.uid)
    p.push(`${where}: runs as uid ${sc.runAsUser ?? "(the image's, by name)"}, the image's USER ${image.user} is uid ${image.uid}`);
  if (image.gid !== undefined && sc.runAsGroup !== undefined && sc.runAsGroup !== image.gid)
    p.push(`${where}: runs as gid ${sc.runAsGroup}, the image's user has gid ${image.gid}`);
  const probes: [string, string][] = [
    ['livenessProbe', LIVENESS_PATH],
    ['readinessProbe', READINESS_PATH],
    ['startupProbe', LIVENESS_PATH],
  ];
  for (const [probe, path] of probes) {
    const get = bff.container[probe]?.httpGet;
    if (!get) p.push(`${where}: no ${probe} (httpGet)`);
    else {
      if (get.path !== path) p.push(`${where}: ${probe} asks ${get.path}, the BFF answers that question at ${path}`);
      if (containerPort(bff.container, get.port) !== port) p.push(`${where}: ${probe} probes port ${String(get.port)}, not the BFF's ${port}`);
    }
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// security

/**
 * Every pod in the overlay runs non-root, read-only, with every capability dropped, no
 * privilege escalation, the runtime's default seccomp profile, no service-account token, and
 * CPU and memory it asked for (requests) and may not exceed (memory limit). The BFF also gets a
 * writable /tmp.
 */
export function checkSecurity(objects: readonly K8sObject[]): string[] {
  const p: string[] = [];
  for (const o of objects) {
    const pod = podTemplate(o);
    if (!pod) continue;
    const spec = pod.spec ?? {};
    const podSc = spec.securityContext ?? {};
    if (spec.automountServiceAccountToken !== false) p.push(`${label(o)}: mounts a service-account token (automountServiceAccountToken: false)`);
    if (spec.hostNetwork || spec.hostPID || spec.hostIPC) p.push(`${label(o)}: shares a host namespace`);
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      const sc = { ...podSc, ...c.securityContext };
      const where = `${label(o)} container ${c.name}`;
      if (sc.runAsNonRoot !== true) p.push(`${where}: runAsNonRoot is not true`);
      if (sc.runAsUser === 0) p.push(`${where}: runs as uid 0`);
      if (c.securityContext?.readOnlyRootFilesystem !== true) p.push(`${where}: root filesystem is writable (readOnlyRootFilesystem: true)`);
      if (c.securityContext?.allowPrivilegeEscalation !== false) p.push(`${where}: allowPrivilegeEscalation is not false`);
      if (c.securityContext?.privileged) p.push(`${where}: privileged`);
      const drop: string[] = c.securityContext?.capabilities?.drop ?? [];
      if (!drop.includes('ALL')) p.push(`${where}: does not drop ALL capabilities`);
      if ((c.securityContext?.capabilities?.add ?? []).length) p.push(`${where}: adds capabilities ${c.securityContext.capabilities.add.join(', ')}`);
      if ((sc.seccompProfile?.type ?? '') !== 'RuntimeDefault') p.push(`${where}: seccompProfile is not RuntimeDefault`);
      if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory) p.push(`${where}: no CPU and memory requests`);
      if (!c.resources?.limits?.memory) p.push(`${where}: no memory limit`);
      if (/:latest$/.test(c.image ?? '') || !c.image) p.push(`${where}: image ${c.image ?? '(none)'} is floating`);
    }
  }
  const bff = bffDeployment(objects);
  if (bff) {
    const tmp = (bff.container.volumeMounts ?? []).find((m: any) => m.mountPath === '/tmp');
    const volume = tmp && (bff.pod.spec.volumes ?? []).find((v: any) => v.name === tmp.name);
    if (!volume?.emptyDir || tmp.readOnly) p.push(`${label(bff.deployment)}: no writable emptyDir at /tmp (the root filesystem is read-only)`);
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// stopping and scaling

/** "sleep N" in a preStop hook (exec `sleep N`, or the `sleep` action), in seconds. */
function preStopSleepS(container: any): number | undefined {
  const preStop = container?.lifecycle?.preStop;
  if (preStop?.sleep?.seconds !== undefined) return Number(preStop.sleep.seconds);
  const cmd: string[] = preStop?.exec?.command ?? [];
  const i = cmd.findIndex((w) => w === 'sleep' || w.endsWith('/sleep'));
  return i >= 0 && /^\d+$/.test(cmd[i + 1] ?? '') ? Number(cmd[i + 1]) : undefined;
}

/**
 * A stop drains: a preStop sleep lets the endpoints update before SIGTERM, and the grace period
 * outlasts the sleep, the HTTP drain (SHUTDOWN_GRACE_MS) and the delivery worker's last attempt
 * (DELIVERY_ATTEMPT_TIMEOUT_MS), or Kubernetes SIGKILLs requests still being answered.
 */
export function checkTermination(objects: readonly K8sObject[], env: PodEnv, defaults: { shutdownGraceMs: number; attemptTimeoutMs: number }): string[] {
  const bff = bffDeployment(objects);
  if (!bff) return [`no Deployment ${BFF_DEPLOYMENT}`];
  const p: string[] = [];
  const sleepS = preStopSleepS(bff.container);
  if (sleepS === undefined || sleepS < 1) p.push(`${label(bff.deployment)}: no preStop sleep: requests still routed to a stopping pod would fail`);
  const grace = Number(env.values.SHUTDOWN_GRACE_MS ?? defaults.shutdownGraceMs);
  const attempt = Number(env.values.DELIVERY_ATTEMPT_TIMEOUT_MS ?? defaults.attemptTimeoutMs);
  const needMs = (sleepS ?? 0) * 1000 + grace + attempt;
  const tgps = bff.pod.spec?.terminationGracePeriodSeconds ?? 30;
  if (tgps * 1000 <= needMs) {
    p.push(
      `${label(bff.deployment)}: terminationGracePeriodSeconds ${tgps} s is not more than preStop ${sleepS ?? 0} s + SHUTDOWN_GRACE_MS ${grace} ms + DELIVERY_ATTEMPT_TIMEOUT_MS ${attempt} ms`,
    );
  }
  return p;
}

/** Kubernetes CPU quantity → cores (`2`, `1500m`, `0.5`). */
export function cpuCores(q: unknown): number | undefined {
  const s = String(q ?? '');
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const m = /^(\d+)m$/.exec(s);
  return m ? Number(m[1]) / 1000 : undefined;
}

/**
 * WORKERS is the CPU limit: from the downward API (`limits.cpu` of this container, in whole
 * cores) or a literal equal to it; and the limit is whole cores, so that rounding up does not
 * start more workers than the pod has CPU for.
 */
export function checkWorkers(objects: readonly K8sObject[], env: PodEnv): string[] {
  const bff = bffDeployment(objects);
  if (!bff) return [`no Deployment ${BFF_DEPLOYMENT}`];
  const p: string[] = [];
  const where = `${label(bff.deployment)} container ${BFF_CONTAINER}`;
  const limit = cpuCores(bff.container.resources?.limits?.cpu);
  if (limit === undefined) return [`${where}: no CPU limit for WORKERS to follow`];
  if (!Number.isInteger(limit)) p.push(`${where}: CPU limit ${String(bff.container.resources.limits.cpu)} is not whole cores; WORKERS would round it up`);
  const ref = env.downward.WORKERS?.resourceFieldRef;
  if (ref) {
    if (ref.resource !== 'limits.cpu') p.push(`${where}: WORKERS follows ${ref.resource}, not limits.cpu`);
    if ((ref.containerName ?? BFF_CONTAINER) !== BFF_CONTAINER) p.push(`${where}: WORKERS follows the CPU of container ${ref.containerName}`);
    if (cpuCores(ref.divisor ?? '1') !== 1) p.push(`${where}: WORKERS divides the CPU limit by ${String(ref.divisor)}, not 1 core`);
  } else if (env.values.WORKERS !== undefined) {
    if (Number(env.values.WORKERS) !== limit) p.push(`${where}: WORKERS=${env.values.WORKERS} but the CPU limit is ${limit}`);
  } else p.push(`${where}: WORKERS is not set: the BFF would size itself from the node's cores, not the pod's`);
  return p;
}

/**
 * The HPA scales the BFF's Deployment on CPU, from at least two pods; the Deployment leaves the
 * count to it and asks for CPU (the HPA's utilisation is a share of the request); the PDB
 * covers the same pods and lets a drain proceed one pod at a time.
 */
export function checkScaling(objects: readonly K8sObject[]): string[] {
  const bff = bffDeployment(objects);
  if (!bff) return [`no Deployment ${BFF_DEPLOYMENT}`];
  const p: string[] = [];
  const labels = bff.pod.metadata?.labels;
  if (bff.deployment.spec?.replicas !== undefined)
    p.push(`${label(bff.deployment)}: sets replicas (${bff.deployment.spec.replicas}); the HPA owns the count, and apply would reset it`);
  if (!isSubset(bff.deployment.spec?.selector?.matchLabels, labels)) p.push(`${label(bff.deployment)}: its selector does not match its own pods`);
  const hpas = ofKind(objects, 'HorizontalPodAutoscaler').filter(
    (h) => h.spec?.scaleTargetRef?.kind === 'Deployment' && h.spec.scaleTargetRef.name === bff.deployment.metadata.name,
  );
  if (hpas.length !== 1) p.push(`${hpas.length} HorizontalPodAutoscalers scale ${label(bff.deployment)}, expected 1`);
  for (const hpa of hpas) {
    if (hpa.spec.scaleTargetRef.apiVersion !== 'apps/v1')
      p.push(`${label(hpa)}: scaleTargetRef.apiVersion ${hpa.spec.scaleTargetRef.apiVersion}, expected apps/v1`);
    const min = hpa.spec.minReplicas ?? 1;
    if (min < 2) p.push(`${label(hpa)}: minReplicas ${min}: one pod is one failure from an outage`);
    if (!(hpa.spec.maxReplicas > min)) p.push(`${label(hpa)}: maxReplicas ${hpa.spec.maxReplicas} leaves no room to scale above ${min}`);
    const cpu = (hpa.spec.metrics ?? []).find((m: any) => m.type === 'Resource' && m.resource?.name === 'cpu');
    const u = cpu?.resource?.target?.averageUtilization;
    if (cpu?.resource?.target?.type !== 'Utilization' || !(u > 0 && u <= 100)) p.push(`${label(hpa)}: no CPU utilisation target in (0, 100]`);
  }
  if (!bff.container.resources?.requests?.cpu) p.push(`${label(bff.deployment)}: no CPU request: the HPA cannot compute utilisation`);
  const pdbs = ofKind(objects, 'PodDisruptionBudget').filter(
    (d) => isSubset(d.spec?.selector?.matchLabels, labels) && Object.keys(d.spec?.selector?.matchLabels ?? {}).length > 0,
  );
  if (pdbs.length !== 1) p.push(`${pdbs.length} PodDisruptionBudgets cover the BFF's pods, expected 1`);
  for (const pdb of pdbs) {
    const minReplicas = hpas[0]?.spec?.minReplicas ?? 1;
    if (pdb.spec.minAvailable !== undefined && !(Number(pdb.spec.minAvailable) < minReplicas))
      p.push(`${label(pdb)}: minAvailable ${pdb.spec.minAvailable} with ${minReplicas} pods blocks every drain`);
    if (pdb.spec.maxUnavailable !== undefined && !(Number(pdb.spec.maxUnavailable) >= 1))
      p.push(`${label(pdb)}: maxUnavailable ${pdb.spec.maxUnavailable} blocks every drain`);
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// network policies

/** Somewhere the BFF must be able to reach, on one port. `podLabels` unknown: any pod there. */
export interface Destination {
  readonly what: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  /** A namespace of this cluster; undefined with `external`. */
  readonly namespace?: string;
  readonly podLabels?: Labels;
  /** Outside the cluster (a managed service): an ipBlock, never 0.0.0.0/0. */
  readonly external?: boolean;
}

/** The cluster DNS every pod needs for names (kube-dns, as most clusters label it). */
export const CLUSTER_DNS: Destination[] = (['UDP', 'TCP'] as const).map((protocol) => ({
  what: 'cluster DNS',
  port: 53,
  protocol,
  namespace: 'kube-system',
  podLabels: { 'k8s-app': 'kube-dns' },
}));

/**
 * Where a URL leads, seen from `namespace`: a Service of this overlay (its pods and target
 * port), or one in another namespace (`name.ns[.svc[.cluster.local]]`, its pods unknown here).
 */
export function destinationOf(what: string, url: string, namespace: string, objects: readonly K8sObject[]): Destination | string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `${what}: ${url} is not a URL`;
  }
  const defaultPort = { 'http:': 80, 'https:': 443, 'redis:': 6379, 'rediss:': 6379 }[u.protocol];
  const port = Number(u.port || defaultPort);
  const [name, ns = namespace, ...rest] = u.hostname.split('.');
  if (rest.length > 0 && rest.join('.') !== 'svc' && rest.join('.') !== 'svc.cluster.local') return `${what}: ${u.hostname} is not a cluster Service name`;
  const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === name && namespaceOf(o) === ns);
  if (!service) {
    if (ns === namespace) return `${what}: ${url} names a Service "${name}" this overlay does not render`;
    return { what, port, protocol: 'TCP', namespace: ns };
  }
  const sp = (service.spec?.ports ?? []).find((x: any) => x.port === port);
  if (!sp) return `${what}: Service ${name} has no port ${port}`;
  const workload = objects.find((o) => podTemplate(o) && namespaceOf(o) === ns && isSubset(service.spec?.selector, podTemplate(o).metadata?.labels));
  if (!workload) return `${what}: no pods of this overlay are selected by Service ${name}`;
  const pod = podTemplate(workload);
  const target = sp.targetPort ?? sp.port;
  const containerPortNumber =
    typeof target === 'number' ? target : (pod.spec.containers ?? []).map((c: any) => containerPort(c, target)).find((n: unknown) => n !== undefined);
  if (containerPortNumber === undefined) return `${what}: Service ${name} targets port ${String(target)}, which ${label(workload)} does not have`;
  return { what, port: containerPortNumber, protocol: 'TCP', namespace: ns, podLabels: pod.metadata?.labels ?? {} };
}

/** Does a NetworkPolicy peer, in a policy of `namespace`, include `d`? */
function peerIncludes(peer: any, d: Destination, namespace: string): boolean {
  if (peer.ipBlock) return d.external === true && !/\/0$/.test(peer.ipBlock.cidr ?? '/0');
  if (d.external) return false;
  if (peer.namespaceSelector) {
    const sel = peer.namespaceSelector;
    if (sel.matchExpressions?.length || Object.keys(sel.matchLabels ?? {}).length !== 1) return false;
    if (sel.matchLabels['kubernetes.io/metadata.name'] !== d.namespace) return false;
  } else if (d.namespace !== namespace) return false;
  if (peer.podSelector && Object.keys(peer.podSelector.matchLabels ?? {}).length > 0) {
    // Pods of another namespace are not known here: the namespace is the boundary.
    return d.podLabels === undefined || isSubset(peer.podSelector.matchLabels, d.podLabels);
  }
  return true;
}

const portIncludes = (entry: any, d: Destination) =>
  (entry.protocol ?? 'TCP') === d.protocol && (entry.port === d.port || (entry.endPort !== undefined && entry.port <= d.port && d.port <= entry.endPort));

/**
 * Least privilege for the BFF's pods: some policy selects them for both directions (so
 * everything not allowed is denied); every egress rule names both its peers and its ports and
 * leads only to `destinations` (DNS, the backends, Redis, the collector); each destination is
 * reachable; and ingress comes only from peers confined to a namespace, to the BFF's port.
 */
export function checkNetworkPolicies(objects: readonly K8sObject[], destinations: readonly Destination[]): string[] {
  const bff = bffDeployment(objects);
  if (!bff) return [`no Deployment ${BFF_DEPLOYMENT}`];
  const p: string[] = [];
  const namespace = namespaceOf(bff.deployment);
  const labels = bff.pod.metadata?.labels;
  const policies = ofKind(objects, 'NetworkPolicy').filter((np) => namespaceOf(np) === namespace && isSubset(np.spec?.podSelector?.matchLabels, labels));
  const types = new Set(policies.flatMap((np) => np.spec?.policyTypes ?? []));
  for (const t of ['Ingress', 'Egress']) if (!types.has(t)) p.push(`no NetworkPolicy restricts ${t.toLowerCase()} of the BFF's pods`);
  const egress = policies.flatMap((np) => (np.spec?.egress ?? []).map((rule: any, i: number) => ({ where: `${label(np)} egress[${i}]`, rule })));
  for (const { where, rule } of egress) {
    const to: any[] = rule.to ?? [];
    const ports: any[] = rule.ports ?? [];
    if (to.length === 0) p.push(`${where}: no "to": allows every destination`);
    if (ports.length === 0) p.push(`${where}: no "ports": allows every port`);
    for (const peer of to) {
      const served = destinations.filter((d) => peerIncludes(peer, d, namespace));
      if (served.length === 0) p.push(`${where}: ${JSON.stringify(peer)} is none of the BFF's destinations`);
      for (const entry of ports) {
        if (!served.some((d) => portIncludes(entry, d)))
          p.push(
            `${where}: port ${entry.protocol ?? 'TCP'} ${entry.port}${entry.endPort ? `-${entry.endPort}` : ''} to ${JSON.stringify(peer)} serves none of them`,
          );
      }
    }
  }
  for (const d of destinations) {
    // A rule without ports allows every port (reported above as too wide, but it does reach).
    const ok = egress.some(
      ({ rule }) =>
        (rule.to ?? []).some((peer: any) => peerIncludes(peer, d, namespace)) &&
        (!(rule.ports ?? []).length || rule.ports.some((entry: any) => portIncludes(entry, d))),
    );
    if (!ok) p.push(`the BFF cannot reach ${d.what} (${d.external ? 'outside the cluster' : `namespace ${d.namespace}`}, ${d.protocol} ${d.port})`);
  }
  const port = containerPort(bff.container, 'http');
  for (const np of policies) {
    for (const [i, rule] of (np.spec?.ingress ?? []).entries()) {
      const where = `${label(np)} ingress[${i}]`;
      if (!(rule.from ?? []).length) p.push(`${where}: no "from": anyone may connect`);
      for (const peer of rule.from ?? []) {
        if (!peer.namespaceSelector || Object.keys(peer.namespaceSelector.matchLabels ?? {}).length === 0)
          p.push(`${where}: ${JSON.stringify(peer)} is not confined to a namespace`);
      }
      const ports = (rule.ports ?? []).map((e: any) => containerPort(bff.container, e.port));
      if (ports.length === 0 || ports.some((n: unknown) => n !== port))
        p.push(`${where}: lets in ports ${ports.length ? ports.join(', ') : '(all)'}, the BFF serves only ${port}`);
    }
  }
  return p;
}

/** The rendered Secrets (kustomize's hash suffix dropped from the names). */
export function secretNames(objects: readonly K8sObject[]): string[] {
  return ofKind(objects, 'Secret')
    .map((s) => baseName(s.metadata.name))
    .sort();
}

export function secretValue(objects: readonly K8sObject[], name: string, key: string): string | undefined {
  const secret = find(objects, 'Secret', name);
  return secret ? decodeSecret(secret, key) : undefined;
}
