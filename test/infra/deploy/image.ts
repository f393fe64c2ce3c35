// What the BFF's image is, from the Dockerfile (through test/infra/lib's parser): the facts a
// Kubernetes pod must agree with.
import { effectiveConfig, parseDockerfile, stageByName } from '../lib/dockerfile.js';
import { read } from '../lib/project.js';

/**
 * Users the base image defines, by name. The official node images create `node` with uid and
 * gid 1000 (docker-node's Dockerfile: `groupadd --gid 1000 node && useradd --uid 1000 --gid node`);
 * a pod must give the number, since the kubelet cannot tell whether a *name* is root.
 */
export const BASE_IMAGE_USERS: Readonly<Record<string, { uid: number; gid: number }>> = { node: { uid: 1000, gid: 1000 }, root: { uid: 0, gid: 0 } };

export interface ImageFacts {
  /** The USER as written (`node`, `1000`, `1000:1000`). */
  readonly user: string | null;
  readonly uid: number | undefined;
  readonly gid: number | undefined;
  /** ENV of the stage and its parents. */
  readonly env: Readonly<Record<string, string>>;
  /** EXPOSEd ports, as numbers. */
  readonly expose: readonly number[];
}

export function imageFacts(target: string, dockerfile = read('Dockerfile')): ImageFacts {
  const stage = stageByName(parseDockerfile(dockerfile), target);
  if (!stage) throw new Error(`the Dockerfile has no stage ${JSON.stringify(target)}`);
  const cfg = effectiveConfig(stage);
  const [name, group] = (cfg.user ?? 'root').split(':');
  const numeric = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);
  const known = BASE_IMAGE_USERS[name ?? ''];
  const uid = numeric(name) ?? known?.uid;
  const gid = numeric(group) ?? (group === undefined ? (known?.gid ?? (numeric(name) !== undefined ? uid : undefined)) : BASE_IMAGE_USERS[group]?.gid);
  return { user: cfg.user, uid, gid, env: cfg.env, expose: cfg.expose.map((p) => Number(p.split('/')[0])) };
}
