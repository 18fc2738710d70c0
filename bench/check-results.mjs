// CI check for `node run.mjs --tiny`: results.json holds every row of the suite, each with a
// finite value (or, for a peer row whose library is missing, null and a 'not measured' note),
// finite (or absent) baseline, ratio and target, which way it is better, and a known peer. No
// wall-clock assertions.
import { readFileSync } from 'node:fs';

const rows = JSON.parse(readFileSync(new URL('./results.json', import.meta.url), 'utf8'));
/** Name prefixes every backend must report (rows 1-3, 5, 6); row 4 (numpy, workers) runs on wasm only. */
const FIT_STEPS = ['cd (k = ', 'pcd (k = ', 'replay (k = ', 'nce:', 'dsm:', 'ssm:', 'sm:'].map((objective) => `fit step ${objective}`);
const EXPECTED = {
  all: ['gemm', 'langevin step, batch', 'langevin step, tf.grad', 'langevin step, tfjs-layers', 'small langevin step, ours', 'small langevin step kernels', 'rbm pcd-1 epoch', ...FIT_STEPS],
  wasm: ['langevin step, 2 worker threads', 'langevin step, 1 worker threads'],
};
/** The libraries a peer row may measure (issue 16). */
const PEERS = ['pytorch', 'sklearn', 'numpy'];
const problems = [];
for (const backend of ['wasm', 'cpu']) {
  const mine = rows.filter((r) => r.backend === backend);
  for (const prefix of EXPECTED.all) {
    if (!mine.some((r) => r.name.startsWith(prefix))) problems.push(`${backend}: no row starting with "${prefix}"`);
  }
  if (backend === 'wasm' && !mine.some((r) => EXPECTED.wasm.some((p) => r.name.startsWith(p)))) problems.push('wasm: no worker-threads row');
  // Peer rows (measured, or marked not measured): PyTorch and numpy next to the wasm Langevin steps, scikit-learn next to every RBM row.
  const peerRows = { wasm: ['pytorch langevin step (peer)', 'numpy langevin step (peer)', 'rbm pcd-1 epoch, scikit-learn'], cpu: ['rbm pcd-1 epoch, scikit-learn'] };
  for (const prefix of peerRows[backend]) {
    if (mine.filter((r) => r.name.startsWith(prefix) && r.peer !== undefined).length < 2) problems.push(`${backend}: fewer than 2 peer rows starting with "${prefix}"`);
  }
  // Row 8 (wasm): one PyTorch peer row per training step and the default `ebm train` run.
  const objectivePeers = { wasm: ['pytorch pcd step', 'pytorch dsm step', 'pytorch nce step', 'pytorch ebm train'], cpu: [] };
  for (const prefix of objectivePeers[backend]) {
    if (!mine.some((r) => r.name.startsWith(prefix) && r.peer === 'pytorch')) problems.push(`${backend}: no PyTorch peer row starting with "${prefix}"`);
  }
  for (const measure of ['device reads', 'kernels', 'throughput']) {
    if (!mine.some((r) => /^fit step cd \(k = \d+ mala\)/.test(r.name) && r.name.endsWith(measure))) problems.push(`${backend}: no CD with MALA fit-step ${measure} row`);
  }
}
for (const row of rows) {
  for (const field of ['name', 'backend', 'unit']) if (typeof row[field] !== 'string' || row[field] === '') problems.push(`${row.name}: ${field} missing`);
  if (row.better !== 'lower' && row.better !== 'higher') problems.push(`${row.backend} ${row.name}: better is ${row.better}, not 'lower' or 'higher'`);
  if (row.peer !== undefined && !PEERS.includes(row.peer)) problems.push(`${row.backend} ${row.name}: peer is ${row.peer}, not one of ${PEERS.join(', ')}`);
  // A peer that is not installed leaves its row unmeasured: value null and a note that says so.
  const unmeasuredPeer = row.peer !== undefined && row.value === null && /^not measured/.test(row.note);
  if (!unmeasuredPeer && !Number.isFinite(row.value)) problems.push(`${row.backend} ${row.name}: value ${row.value} is not finite`);
  for (const field of ['baseline', 'ratio', 'target']) {
    if (row[field] !== null && !Number.isFinite(row[field])) problems.push(`${row.backend} ${row.name}: ${field} ${row[field]} is neither null nor finite`);
  }
}
if (problems.length > 0) {
  console.error(`bench/results.json: ${problems.length} problem(s):\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`bench/results.json: ${rows.length} rows, all finite`);
