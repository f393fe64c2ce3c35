// Rendering deploy/k8s/ the way `kubectl apply -k` does, offline: `kubectl kustomize <overlay>`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../lib/project.js';

export const K8S_DIR = 'deploy/k8s';
export const OVERLAYS_DIR = `${K8S_DIR}/overlays`;

/** A rendered object, loosely typed: the checks read what they need. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: any;
}

/** The overlays under deploy/k8s/overlays (each one a directory with a kustomization.yaml). */
export function overlays(): string[] {
  return readdirSync(join(ROOT, OVERLAYS_DIR), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** kubectl from KUBECTL, else the one on PATH; undefined when there is none. */
export function kubectlBinary(): string | undefined {
  const candidate = process.env.KUBECTL || 'kubectl';
  return spawnSync(candidate, ['version', '--client'], { encoding: 'utf8' }).status === 0 ? candidate : undefined;
}

/**
 * kustomize v5 (kubectl ≥ 1.27) warns about `bases` and `patchesStrategicMerge`, which the
 * overlays use on purpose (see deploy/k8s/base/kustomization.yaml). Any other line on stderr
 * is reported.
 */
const KNOWN_WARNINGS = [/^# Warning: 'bases' is deprecated/, /^# Warning: 'patchesStrategicMerge' is deprecated/];

export interface Rendered {
  objects: K8sObject[];
  /** stderr lines other than the known deprecation warnings. */
  warnings: string[];
}

export function render(kubectl: string, dir: string): Rendered {
  const r = spawnSync(kubectl, ['kustomize', join(ROOT, dir)], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed (${r.status}):\n${r.stderr}`);
  const warnings = r.stderr.split('\n').filter((l) => l.trim() !== '' && !KNOWN_WARNINGS.some((w) => w.test(l)));
  const objects = parseAllDocuments(r.stdout)
    .map((doc) => {
      if (doc.errors.length) throw new Error(`kubectl kustomize ${dir}: unparsable output: ${doc.errors[0]!.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
  return { objects, warnings };
}

/** The one object of `kind` named `name` (kustomize's hash suffix of generated names ignored). */
export function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && (o.metadata.name === name || o.metadata.name.replace(/-[a-z0-9]{10}$/, '') === name));
}

export function ofKind(objects: readonly K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}
