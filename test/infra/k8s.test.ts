// Offline checks of the Kubernetes manifests (deploy/k8s/): every overlay rendered by
// `kubectl kustomize` as `kubectl apply -k` would, every object validated against the
// Kubernetes API schemas (kubernetes-models: JSON Schema, then its types for unknown fields),
// and the manifests checked against what they run: the image (port, user, probes' paths), the
// BFF's own config loader (every variable name, and the values parse), and each other (the
// NetworkPolicies open exactly the backends, Redis, the collector and DNS the config names).
// The last block breaks a rendered overlay in specific ways and shows each check failing.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, SERVICE_NAMES } from '../../src/config.js';
import { bffStatuses, servesLiveness, servesReadiness } from './deploy/bff-endpoints.js';
import { namesTheBffReads } from './deploy/config-env.js';
import { imageFacts } from './deploy/image.js';
import {
  BFF_SECRET,
  CLUSTER_DNS,
  LIVENESS_PATH,
  READINESS_PATH,
  bffDeployment,
  checkEnvNames,
  checkImageAgreement,
  checkNetworkPolicies,
  checkScaling,
  checkSecurity,
  checkTermination,
  checkWorkers,
  destinationOf,
  podEnv,
  secretNames,
  secretValue,
  type Destination,
  type PodEnv,
} from './deploy/k8s-checks.js';
import { schemaErrors, unknownFieldErrors } from './deploy/k8s-schema.js';
import { OVERLAYS_DIR, find, kubectlBinary, overlays, render, type K8sObject, type Rendered } from './deploy/kustomize.js';

const KUBECTL = kubectlBinary();
if (!KUBECTL) console.warn('k8s.test.ts: no kubectl (Debian: apt-get install -y kubernetes-client): skipping the Kubernetes manifests');
// CI installs kubectl (.ci/run): there, its absence is a failure, not a skip.
const k8sDescribe = KUBECTL || process.env.CI ? describe : describe.skip;

const IMAGE = imageFacts('bff');
const DEFAULTS = loadConfig({});
/**
 * The managed Redis of the production overlay: outside the cluster, on the TLS port its
 * REDIS_URL names (`rediss://…:6380`, see overlays/production/kustomization.yaml). Its URL is
 * in a Secret created outside the repository, so the port is stated here.
 */
const MANAGED_REDIS: Destination = { what: 'the managed Redis', port: 6380, protocol: 'TCP', external: true };
/** Stands in for Secrets created outside the repository, to show the rest parses. */
const EXTERNAL_SECRET_VALUES: Record<string, string> = {
  REDIS_URL: 'rediss://default:password@redis.example.internal:6380',
  ADMIN_TOKEN: 'a-token-of-24-characters',
};
/** Set by the downward API; checked by checkWorkers, and read by the BFF once node:cluster workers land. */
const DOWNWARD_NAMES = ['WORKERS'];

/** The BFF container's environment: the image's ENV, then the pod's (Secrets outside the repository stood in for). */
function containerEnv(env: PodEnv): Record<string, string> {
  const external = Object.fromEntries(Object.keys(env.external).map((name) => [name, EXTERNAL_SECRET_VALUES[name] ?? 'stand-in']));
  return { ...IMAGE.env, ...external, ...env.values };
}

/** Where the BFF of an overlay must be able to go: DNS, each backend, Redis, the collector if tracing is on. */
function destinations(objects: readonly K8sObject[], env: PodEnv): { list: Destination[]; problems: string[] } {
  const namespace = bffDeployment(objects)?.deployment.metadata.namespace ?? 'default';
  const config = loadConfig(containerEnv(env));
  const list: Destination[] = [...CLUSTER_DNS];
  const problems: string[] = [];
  const add = (d: Destination | string) => (typeof d === 'string' ? problems.push(d) : list.push(d));
  for (const s of SERVICE_NAMES) add(destinationOf(`backend ${s}`, config.backends[s].url, namespace, objects));
  if (env.values.REDIS_URL !== undefined) add(destinationOf('Redis', env.values.REDIS_URL, namespace, objects));
  else list.push(MANAGED_REDIS);
  if (config.observability.otlpTracesUrl) add(destinationOf('the OTLP collector', config.observability.otlpTracesUrl, namespace, objects));
  return { list, problems };
}

const rendered: Record<string, Rendered> = {};
const clone = <T>(x: T): T => structuredClone(x);

k8sDescribe('deploy/k8s', () => {
  beforeAll(() => {
    for (const overlay of overlays()) rendered[overlay] = render(KUBECTL ?? 'kubectl', `${OVERLAYS_DIR}/${overlay}`);
  });

  it('has a dev and a production overlay', () => {
    expect(overlays()).toEqual(['dev', 'production']);
  });

  it("the probes ask the BFF's own paths: /health answers while backends are down, /ready gives a verdict", async () => {
    const statuses = await bffStatuses([LIVENESS_PATH, READINESS_PATH, '/no-such-probe']);
    expect(servesLiveness(statuses[LIVENESS_PATH]), `GET ${LIVENESS_PATH} answered ${statuses[LIVENESS_PATH]}`).toBe(true);
    expect(servesReadiness(statuses[READINESS_PATH]), `GET ${READINESS_PATH} answered ${statuses[READINESS_PATH]}`).toBe(true);
    expect(statuses['/no-such-probe']).toBe(404);
  });

  const workersRead = namesTheBffReads().has('WORKERS');
  if (!workersRead)
    console.warn('k8s.test.ts: this src/config.ts does not read WORKERS yet (node:cluster workers, another change): skipping that WORKERS is read');
  it.skipIf(!workersRead)('WORKERS, set from the CPU limit, is a variable the BFF reads', () => {
    expect(namesTheBffReads().has('WORKERS')).toBe(true);
  });

  describe.each(overlays())('overlay %s', (overlay) => {
    const objects = () => rendered[overlay]!.objects;
    const env = () => podEnv(objects());

    it('renders with kubectl kustomize, with no warning beyond the deprecations it keeps for old kubectl', () => {
      expect(rendered[overlay]!.warnings).toEqual([]);
      expect(objects().length).toBeGreaterThan(5);
    });

    it('puts every namespaced object in its own Namespace, which enforces the restricted Pod Security Standard', () => {
      const namespaces = objects().filter((o) => o.kind === 'Namespace');
      expect(namespaces).toHaveLength(1);
      const ns = namespaces[0]!;
      expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
      for (const o of objects().filter((x) => x.kind !== 'Namespace'))
        expect(`${o.kind}/${o.metadata.name} in ${o.metadata.namespace}`).toBe(`${o.kind}/${o.metadata.name} in ${ns.metadata.name}`);
    });

    it('every object validates against the Kubernetes API schema (kubernetes-models)', async () => {
      const errors = (await Promise.all(objects().map(schemaErrors))).flat();
      expect(errors).toEqual([]);
    });

    // Loads the models' TypeScript types: seconds, more on a busy machine.
    it('no object has a field the API does not know (it would be dropped silently)', { timeout: 60_000 }, () => {
      expect(unknownFieldErrors(objects())).toEqual([]);
    });

    it('agrees with the image: port, uid, the probes on /health and /ready', () => {
      expect(env().problems).toEqual([]);
      expect(checkImageAgreement(objects(), IMAGE, env())).toEqual([]);
    });

    it("sets only variables the BFF's config loader reads, and they parse", () => {
      const accepted = namesTheBffReads(containerEnv(env()));
      expect(checkEnvNames(env(), accepted, DOWNWARD_NAMES)).toEqual([]);
      const config = loadConfig(containerEnv(env()));
      expect(config).toMatchObject({ env: 'production', host: '0.0.0.0', port: 4000 });
      expect(config.delivery.redisUrl).toBeDefined();
      for (const s of SERVICE_NAMES) expect(config.backends[s].url).toMatch(new RegExp(`^http://${s}[.:]`));
    });

    it('runs every pod non-root, read-only, without capabilities or a token, with RuntimeDefault seccomp and resources', () => {
      expect(checkSecurity(objects())).toEqual([]);
    });

    it('drains on stop: a preStop sleep, and a grace period longer than it plus SHUTDOWN_GRACE_MS and a delivery attempt', () => {
      expect(checkTermination(objects(), env(), { shutdownGraceMs: DEFAULTS.shutdownGraceMs, attemptTimeoutMs: DEFAULTS.delivery.attemptTimeoutMs })).toEqual(
        [],
      );
    });

    it('starts as many workers as the CPU limit has cores', () => {
      expect(checkWorkers(objects(), env())).toEqual([]);
    });

    it('scales on CPU from two pods up, with a disruption budget of one pod', () => {
      expect(checkScaling(objects())).toEqual([]);
    });

    it('lets the BFF reach only DNS, its backends, Redis and the collector, and be reached only by the ingress controller and Prometheus', () => {
      const { list, problems } = destinations(objects(), env());
      expect(problems).toEqual([]);
      expect(checkNetworkPolicies(objects(), list)).toEqual([]);
    });
  });

  it('production: no credentials in the repository; REDIS_URL and ADMIN_TOKEN come from a Secret made outside it', () => {
    const objects = rendered.production!.objects;
    expect(secretNames(objects)).toEqual([]);
    const env = podEnv(objects);
    expect(env.external).toEqual({
      REDIS_URL: { secret: BFF_SECRET, key: 'REDIS_URL', optional: false },
      ADMIN_TOKEN: { secret: BFF_SECRET, key: 'ADMIN_TOKEN', optional: true },
    });
    expect(find(objects, 'StatefulSet', 'redis')).toBeUndefined();
  });

  it("dev: its Redis's password is the one in the BFF's REDIS_URL, and REDIS_URL names that Redis", () => {
    const objects = rendered.dev!.objects;
    expect(secretNames(objects)).toEqual([BFF_SECRET, 'storefront-redis']);
    const url = new URL(secretValue(objects, BFF_SECRET, 'REDIS_URL')!);
    expect(decodeURIComponent(url.password)).toBe(secretValue(objects, 'storefront-redis', 'REDIS_PASSWORD'));
    expect(url.hostname).toBe(find(objects, 'Service', 'redis')?.metadata.name);
    expect(find(objects, 'StatefulSet', 'redis')).toBeDefined();
  });
});

k8sDescribe('the Kubernetes checks catch', () => {
  let base: K8sObject[] = [];
  beforeAll(() => {
    base = render(KUBECTL ?? 'kubectl', `${OVERLAYS_DIR}/production`).objects;
  });
  /** The production overlay with one change made to a copy of it. */
  const broken = (change: (objects: K8sObject[], bff: { deployment: K8sObject; pod: any; container: any }) => void): K8sObject[] => {
    const objects = clone(base);
    change(objects, bffDeployment(objects)!);
    return objects;
  };
  const configMap = (objects: K8sObject[]) => objects.find((o) => o.kind === 'ConfigMap')!;

  it('schema errors and fields the API does not know', { timeout: 60_000 }, async () => {
    const objects = broken((_, { deployment, container }) => {
      deployment.spec.revisionHistoryLimit = 'five';
      container.readinessProb = container.readinessProbe;
      container.securityContext.runAsNonroot = true;
    });
    expect((await Promise.all(objects.map(schemaErrors))).flat()).toEqual([
      expect.stringMatching(/^Deployment\/storefront-bff: .*revisionHistoryLimit must be integer/),
    ]);
    expect(unknownFieldErrors(objects)).toEqual([
      'Deployment/storefront-bff: spec.template.spec.containers[0].securityContext.runAsNonroot is not a field of SecurityContext',
      'Deployment/storefront-bff: spec.template.spec.containers[0].readinessProb is not a field of Container',
    ]);
    expect((await schemaErrors({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } })).join()).toMatch(/no Kubernetes model/);
  });

  it('a port, user or probe path the image does not have', () => {
    const check = (o: K8sObject[]) => checkImageAgreement(o, IMAGE, podEnv(o));
    // not PORT, not EXPOSEd, and the Service and the three probes (all on the port named http) miss the BFF
    expect(check(broken((_, { container }) => (container.ports[0].containerPort = 8080)))).toHaveLength(6);
    expect(check(broken((o) => (configMap(o).data.PORT = '4001')))).toHaveLength(1 + 1 + 3); // port, Service, three probes
    expect(check(broken((_, { pod }) => (pod.spec.securityContext.runAsUser = 1001)))).toEqual([
      expect.stringMatching(/runs as uid 1001, the image's USER node is uid 1000/),
    ]);
    expect(check(broken((_, { container }) => (container.readinessProbe.httpGet.path = '/healthz')))).toEqual([
      expect.stringMatching(/readinessProbe asks \/healthz/),
    ]);
    expect(check(broken((_, { container }) => (container.livenessProbe.httpGet.path = READINESS_PATH)))).toHaveLength(1);
    expect(check(broken((o) => (configMap(o).data.HOST = '127.0.0.1')))).toHaveLength(1);
  });

  it('a variable the BFF does not read, or a value it refuses', () => {
    const objects = broken((o) => (configMap(o).data.SHUTDOWN_GRACE = '15000'));
    const env = podEnv(objects);
    expect(checkEnvNames(env, namesTheBffReads(containerEnv(env)), DOWNWARD_NAMES)).toEqual([
      expect.stringMatching(/sets SHUTDOWN_GRACE, which the BFF does not read/),
    ]);
    expect(() => loadConfig(containerEnv(podEnv(broken((o) => (configMap(o).data.LOG_LEVEL = 'loud')))))).toThrow(/LOG_LEVEL/);
  });

  it('root, a writable root filesystem, capabilities, no seccomp, a mounted token, no /tmp', () => {
    expect(checkSecurity(broken((_, { pod }) => (pod.spec.securityContext.runAsUser = 0)))).toEqual([expect.stringMatching(/runs as uid 0/)]);
    expect(checkSecurity(broken((_, { container }) => (container.securityContext.readOnlyRootFilesystem = false)))).toHaveLength(1);
    expect(checkSecurity(broken((_, { container }) => (container.securityContext.capabilities = { drop: ['NET_RAW'], add: ['NET_ADMIN'] })))).toHaveLength(2);
    expect(checkSecurity(broken((_, { pod }) => delete pod.spec.securityContext.seccompProfile))).toHaveLength(1);
    expect(checkSecurity(broken((_, { pod }) => (pod.spec.automountServiceAccountToken = true)))).toHaveLength(1);
    expect(checkSecurity(broken((_, { container }) => (container.volumeMounts = [])))).toEqual([expect.stringMatching(/no writable emptyDir at \/tmp/)]);
  });

  it('a grace period shorter than the drain, or no preStop sleep', () => {
    const check = (o: K8sObject[]) =>
      checkTermination(o, podEnv(o), { shutdownGraceMs: DEFAULTS.shutdownGraceMs, attemptTimeoutMs: DEFAULTS.delivery.attemptTimeoutMs });
    expect(check(broken((_, { pod }) => (pod.spec.terminationGracePeriodSeconds = 20)))).toHaveLength(1);
    expect(check(broken((o) => (configMap(o).data.SHUTDOWN_GRACE_MS = '30000')))).toHaveLength(1);
    expect(check(broken((_, { container }) => delete container.lifecycle))).toHaveLength(1);
  });

  it('WORKERS not following the CPU limit', () => {
    const check = (o: K8sObject[]) => checkWorkers(o, podEnv(o));
    const literal =
      (value: string) =>
      (_: K8sObject[], { container }: { container: any }) => {
        container.env = container.env.map((e: any) => (e.name === 'WORKERS' ? { name: 'WORKERS', value } : e));
      };
    expect(check(broken(literal('4')))).toEqual([expect.stringMatching(/WORKERS=4 but the CPU limit is 2/)]);
    expect(check(broken(literal('2')))).toEqual([]);
    expect(check(broken((_, { container }) => (container.env = container.env.filter((e: any) => e.name !== 'WORKERS'))))).toHaveLength(1);
    expect(check(broken((_, { container }) => (container.resources.limits.cpu = '1500m')))).toHaveLength(1);
    expect(
      check(broken((_, { container }) => (container.env.find((e: any) => e.name === 'WORKERS').valueFrom.resourceFieldRef.resource = 'requests.memory'))),
    ).toHaveLength(1);
  });

  it('replicas fixed in the Deployment, one pod minimum, an HPA or PDB on the wrong target', () => {
    expect(checkScaling(broken((_, { deployment }) => (deployment.spec.replicas = 3)))).toHaveLength(1);
    expect(checkScaling(broken((o) => (o.find((x) => x.kind === 'HorizontalPodAutoscaler')!.spec.minReplicas = 1)))).toHaveLength(1);
    expect(checkScaling(broken((o) => (o.find((x) => x.kind === 'HorizontalPodAutoscaler')!.spec.scaleTargetRef.name = 'storefront')))).toHaveLength(1);
    expect(checkScaling(broken((o) => (o.find((x) => x.kind === 'PodDisruptionBudget')!.spec.selector.matchLabels = { app: 'other' })))).toHaveLength(1);
  });

  it('an egress rule to anywhere, a backend moved without its policy, the collector unreachable, ingress from anyone', () => {
    const check = (o: K8sObject[]) => {
      const env = podEnv(o);
      return checkNetworkPolicies(o, destinations(o, env).list);
    };
    const policy = (o: K8sObject[], name: string) => o.find((x) => x.kind === 'NetworkPolicy' && x.metadata.name === name)!;
    expect(
      check(broken((o) => policy(o, 'storefront-bff').spec.egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }] }))),
    ).toHaveLength(2);
    expect(check(broken((o) => delete policy(o, 'storefront-bff-backends').spec.egress[0].ports))).toEqual([
      expect.stringMatching(/no "ports": allows every port/),
    ]);
    expect(check(broken((o) => (configMap(o).data.USERS_URL = 'http://users.storefront-backends.svc.cluster.local:4011')))).toEqual([
      expect.stringMatching(/port TCP 4001 .* serves none of them/),
      expect.stringMatching(/cannot reach backend users .* TCP 4011/),
    ]);
    expect(check(broken((o) => o.splice(o.indexOf(policy(o, 'storefront-bff-otlp')), 1)))).toEqual([expect.stringMatching(/cannot reach the OTLP collector/)]);
    expect(check(broken((o) => (policy(o, 'storefront-bff').spec.ingress[0].from = [{ podSelector: {} }])))).toHaveLength(1);
    expect(check(broken((o) => (policy(o, 'storefront-bff').spec.policyTypes = ['Ingress'])))).toEqual([]); // another policy still restricts egress
    expect(check(broken((o) => o.filter((x) => x.kind === 'NetworkPolicy').forEach((np) => (np.spec.policyTypes = ['Ingress']))))).toEqual([
      expect.stringMatching(/restricts egress/),
    ]);
  });
});
