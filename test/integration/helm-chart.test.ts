import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

/**
 * The Helm chart rendered by a real helm (`.ci/run` puts one at .ci/helm/helm with
 * scripts/fetch-helm.mjs, or set FLIGHTIQ_HELM): what Kubernetes would be given, not the templates'
 * text. deploy.test.ts checks the templates without helm.
 */

const repo = resolve(import.meta.dirname, '../..');
const chart = join(repo, 'deploy/helm/flightiq');
const helm = process.env.FLIGHTIQ_HELM ?? join(repo, '.ci/helm/helm');
const present = existsSync(helm);
const why = present ? '' : ' (skipped: no helm here; node scripts/fetch-helm.mjs fetches one)';

interface Container {
  image: string;
  envFrom?: unknown;
  env: { name: string; value?: string; valueFrom?: unknown }[];
  securityContext: unknown;
  volumeMounts: unknown[];
}
interface PodSpec {
  automountServiceAccountToken: boolean;
  securityContext: unknown;
  containers: Container[];
  volumes: { name: string; secret?: unknown; emptyDir?: unknown }[];
}
/** The parts of rendered objects the tests read. */
interface Resource {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    template?: { spec: PodSpec };
    ports?: { name: string }[];
    selector?: { matchLabels: Record<string, string> };
    ingress?: unknown[];
    egress?: { ports: { port: number | string }[] }[];
  };
}

function podOf(resources: Resource[]): PodSpec {
  const pod = resources.find((r) => r.kind === 'Deployment')?.spec.template?.spec;
  if (!pod) throw new Error('no Deployment rendered');
  return pod;
}

function render(...sets: string[]): Resource[] {
  const result = spawnSync(helm, ['template', 'fq', chart, ...sets.flatMap((set) => ['--set', set])], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as Resource | null)
    .filter((doc): doc is Resource => doc !== null);
}

const appVersion = /^appVersion: "(.+)"$/m.exec(readFileSync(join(chart, 'Chart.yaml'), 'utf8'))?.[1];

describe.skipIf(!present)(`the Helm chart as helm renders it${why}`, () => {
  it('passes helm lint', () => {
    const linted = spawnSync(helm, ['lint', chart], { encoding: 'utf8', timeout: 60_000 });
    expect(linted.status, linted.stdout + linted.stderr).toBe(0);
  });

  it('runs hardened pods that read their secrets from files, never from environment values', () => {
    const resources = render();
    expect(resources.map((r) => r.kind).sort()).toEqual([
      'Deployment',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'Service',
    ]);
    const pod = podOf(resources);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      fsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const [container] = pod.containers;
    if (!container) throw new Error('no container');
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.image).toBe(`flightiq:${appVersion}`);
    expect(container.envFrom).toBeUndefined();
    const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
    for (const name of [
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'FLIGHTIQ_ENCRYPTION_KEYS',
      'DATABASE_URL',
    ]) {
      expect(env[`${name}_FILE`]).toBe(`/var/run/secrets/flightiq/${name}`);
      expect(env[name]).toBeUndefined();
    }
    expect(container.env.some((e) => e.valueFrom)).toBe(false);
    const volumes = Object.fromEntries(pod.volumes.map((v) => [v.name, v]));
    // 0440: the app's group reads, nobody writes (288 written out, as YAML 1.1 and 1.2 read octal apart).
    expect(volumes.secrets?.secret).toMatchObject({ secretName: 'flightiq', defaultMode: 0o440 });
    expect(volumes.tmp?.emptyDir).toEqual({ sizeLimit: '64Mi' });
    expect(container.volumeMounts).toContainEqual({
      name: 'secrets',
      mountPath: '/var/run/secrets/flightiq',
      readOnly: true,
    });
  });

  it('keeps metrics off the Service Slack reaches; its own Service and the ServiceMonitor only when asked', () => {
    const service = render().find((r) => r.kind === 'Service');
    expect(service?.spec.ports?.map((p) => p.name)).toEqual(['http']);
    const withMetrics = render('metrics.service.enabled=true', 'metrics.serviceMonitor.enabled=true');
    const metrics = withMetrics.find(
      (r) => r.kind === 'Service' && r.metadata.name === 'fq-flightiq-metrics',
    );
    expect(metrics?.spec.ports).toEqual([{ name: 'metrics', port: 9464, targetPort: 'metrics' }]);
    const monitor = withMetrics.find((r) => r.kind === 'ServiceMonitor');
    expect(monitor?.spec.selector?.matchLabels['app.kubernetes.io/component']).toBe('metrics');
    expect(metrics?.metadata.labels?.['app.kubernetes.io/component']).toBe('metrics');
  });

  it('lets in only the http port unless metricsFrom names who may scrape, and lets out DNS, PostgreSQL and HTTPS', () => {
    const policy = render().find((r) => r.kind === 'NetworkPolicy')?.spec;
    expect(policy?.ingress).toEqual([{ ports: [{ port: 'http', protocol: 'TCP' }] }]);
    expect(policy?.egress?.flatMap((rule) => rule.ports.map((p) => p.port))).toEqual([53, 53, 5432, 443]);
    const scraped = render('networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.name=monitoring').find(
      (r) => r.kind === 'NetworkPolicy',
    )?.spec;
    expect(scraped?.ingress?.[1]).toEqual({
      ports: [{ port: 'metrics', protocol: 'TCP' }],
      from: [{ namespaceSelector: { matchLabels: { name: 'monitoring' } } }],
    });
  });

  it("takes a list of approvers on the command line as Helm's list, and gives FlightIQ one comma-separated value", () => {
    const env = (resources: Resource[]) => podOf(resources).containers[0]?.env;
    expect(env(render('env.FLIGHTIQ_APPROVERS={U0APPROVER1,S0APPROVERS}'))).toContainEqual({
      name: 'FLIGHTIQ_APPROVERS',
      value: 'U0APPROVER1,S0APPROVERS',
    });
    expect(env(render('env.FLIGHTIQ_APPROVERS=U0APPROVER1'))).toContainEqual({
      name: 'FLIGHTIQ_APPROVERS',
      value: 'U0APPROVER1',
    });
  });
});
