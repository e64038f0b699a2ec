/**
 * `npm run bench [-- filter...]`: runs the benchmarks (all, or those whose file or figure name
 * contains a filter), prints a table of every figure with its target and pass/miss on stdout, and
 * writes the samples to `bench/results/<YYYY-MM-DD>-<hostname>.json`. Progress goes to stderr.
 *
 * A missed target is data: the exit code is 0. It is 1 only when a benchmark itself failed (a run
 * that did not complete, a cached re-run that dispatched, ...), since its figure then means nothing.
 *
 * Each benchmark file exports `benchmarks`: [{ name, workload, unit, target?: { max, text },
 * samples, budget?, setup?(), run(), teardown?(), extras? }]. `run()` returns one sample: a
 * number, or `{ value, extras: { key: number } }` where each key of `extras` names a further
 * (usually informational) figure measured by the same sample.
 *
 * `npm run bench` must finish in under 5 minutes, build included, but two figures take tens of
 * seconds per sample while they are far from their targets. Such a benchmark sets `budget: { ms,
 * minSamples, onlyWhenMissing? }`: once it has `minSamples` samples and another would take it past
 * `ms`, it stops; with `onlyWhenMissing`, only while every sample so far misses the target by
 * itself, so the pass/miss verdict could not have changed. The table and the JSON say so.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, hostname, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { progress, REPO, removeTempProjects, settleDisk, summarize } from './support.mjs';

/** In run order: the quick figures first, so a broken setup shows at once; the slow memory figure last. */
const FILES = ['compile', 'cold-start', 'listing', 'overhead', 'fan-out', 'pipeline', 'cached-rerun', 'memory'];

const filters = process.argv.slice(2).map((filter) => filter.toLowerCase());
const startedAt = performance.now();

const selected = [];
for (const file of FILES) {
  const { benchmarks } = await import(`./${file}.mjs`);
  for (const benchmark of benchmarks) {
    const names = [file, benchmark.name.toLowerCase()];
    if (filters.length === 0 || filters.some((filter) => names.some((name) => name.includes(filter)))) selected.push({ file, ...benchmark });
  }
}
if (selected.length === 0) {
  progress(`bench: no benchmark matches ${filters.join(' ')}; files: ${FILES.join(', ')}`);
  process.exit(1);
}

const figures = [];
const failures = [];
for (const benchmark of selected) {
  progress(`bench: ${benchmark.name}: ${benchmark.workload}`);
  try {
    figures.push(...(await measure(benchmark)));
  } catch (error) {
    failures.push({ name: benchmark.name, error });
    progress(`bench: ${benchmark.name} FAILED: ${error?.stack ?? error}`);
    figures.push({ name: benchmark.name, workload: benchmark.workload, unit: benchmark.unit, samples: [], error: String(error?.message ?? error), ...targetOf(benchmark) });
  } finally {
    try {
      await benchmark.teardown?.();
    } catch (error) {
      progress(`bench: ${benchmark.name}: teardown failed: ${error?.message ?? error}`);
    }
  }
}
removeTempProjects();
const totalMs = performance.now() - startedAt;

const machine = {
  hostname: hostname(),
  cpus: { model: cpus()[0]?.model ?? 'unknown', count: cpus().length },
  totalmem: totalmem(),
  platform: process.platform,
  release: release(),
};
const source = gitSource();
const command = `npm run bench${filters.length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
const date = new Date();

process.stdout.write(`${renderTable(figures)}\n`);
process.stdout.write(
  `\nmachine: ${machine.hostname}, ${machine.cpus.count} × ${machine.cpus.model}, ${(machine.totalmem / 2 ** 30).toFixed(1)} GiB, ${machine.platform} ${machine.release}\n` +
    `node: ${process.version}   command: ${command}   date: ${date.toISOString()}\n` +
    `source: ${source ? `${source.commit.slice(0, 12)}${source.dirty.length ? ` + uncommitted changes in ${source.dirty.join(', ')}` : ''}` : 'not a git checkout'}\n` +
    `bench time: ${(totalMs / 1000).toFixed(1)} s (without the build)\n`,
);
const missed = figures.filter((figure) => figure.pass === false);
if (missed.length) process.stdout.write(`missed: ${missed.map((figure) => figure.name.trim()).join('; ')}\n`);
if (failures.length) process.stdout.write(`FAILED: ${failures.map((failure) => failure.name).join('; ')}\n`);

// A filtered run holds only some figures; it must not replace the day's full result file.
const resultsDir = join(REPO, 'bench', 'results');
const resultFile = join(resultsDir, `${date.toISOString().slice(0, 10)}-${machine.hostname}${filters.length ? '.partial' : ''}.json`);
mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  resultFile,
  `${JSON.stringify({ machine, node: process.version, command, date: date.toISOString(), source, benchMs: Math.round(totalMs), figures }, null, 2)}\n`,
);
progress(`bench: results written to ${resultFile}`);
process.exit(failures.length ? 1 : 0);

/**
 * The commit measured, and the files that differ from it (bench/ aside): figures of a working tree
 * with uncommitted engine changes are not the commit's figures. Read-only git; null without git.
 */
function gitSource() {
  const git = (...args) => spawnSync('git', ['-C', REPO, ...args], { encoding: 'utf8' });
  const head = git('rev-parse', 'HEAD');
  if (head.status !== 0) return null;
  const status = git('status', '--porcelain', '--untracked-files=no', '--', '.', ':!bench');
  const dirty = status.stdout.split('\n').filter(Boolean).map((line) => line.slice(3));
  return { commit: head.stdout.trim(), dirty };
}

/** Runs setup and the samples of one benchmark; returns its figure and those of its extras. */
async function measure(benchmark) {
  const benchmarkStart = performance.now();
  await benchmark.setup?.();
  const values = [];
  const extras = Object.fromEntries(Object.keys(benchmark.extras ?? {}).map((key) => [key, []]));
  const wanted = benchmark.samples;
  let note;
  for (let i = 0; i < wanted; i++) {
    settleDisk();
    const sampleStart = performance.now();
    const sample = await benchmark.run();
    const sampleMs = performance.now() - sampleStart;
    const value = typeof sample === 'number' ? sample : sample.value;
    if (!Number.isFinite(value)) throw new Error(`sample ${i + 1} is not a number: ${JSON.stringify(sample)}`);
    values.push(value);
    for (const key of Object.keys(extras)) extras[key].push(sample.extras?.[key]);
    progress(`bench:   sample ${i + 1}/${wanted}: ${format(value, benchmark.unit)} ${benchmark.unit} (${(sampleMs / 1000).toFixed(1)} s)`);
    if (i + 1 < wanted && overBudget(benchmark, values, performance.now() - benchmarkStart + sampleMs)) {
      note = `${i + 1} of ${wanted} samples: ${benchmark.budget.ms / 1000} s time budget${benchmark.budget.onlyWhenMissing ? ', all misses' : ''}`;
      progress(`bench:   ${note}`);
      break;
    }
  }
  const main = figure(benchmark, values, targetOf(benchmark), note);
  const rest = Object.entries(benchmark.extras ?? {}).map(([key, extra]) => ({ ...figure(extra, extras[key], targetOf(extra), note), of: benchmark.name }));
  return [main, ...rest];
}

/** Whether a benchmark should stop sampling now; see the budget rule at the top of this file. */
function overBudget(benchmark, values, projectedMs) {
  const { budget, target } = benchmark;
  if (!budget || values.length < budget.minSamples || projectedMs <= budget.ms) return false;
  return !budget.onlyWhenMissing || (target !== undefined && Math.min(...values) > target.max);
}

function targetOf(benchmark) {
  return benchmark.target ? { target: benchmark.target } : { target: null };
}

function figure(spec, samples, { target }, note) {
  const stats = summarize(samples);
  return {
    name: spec.name,
    workload: spec.workload,
    unit: spec.unit,
    // Three decimals are far below the noise; more would only bloat the JSON.
    samples: samples.map((sample) => Math.round(sample * 1000) / 1000),
    ...stats,
    target,
    pass: target ? stats.median <= target.max : null,
    ...(note ? { note } : {}),
  };
}

/** Enough digits to compare figures, not more than the noise of a shared machine justifies. */
function format(value, unit) {
  if (value === undefined || Number.isNaN(value)) return '-';
  if (unit === '× ideal' || unit === '×') return value.toFixed(2);
  if (Math.abs(value) >= 100 || Number.isInteger(value)) return Math.round(value).toLocaleString('en');
  return value.toFixed(1);
}

function renderTable(rows) {
  const header = ['figure', 'workload', 'median', 'min', 'max', 'unit', 'target', 'result'];
  const lines = rows.map((row) => [
    row.name,
    // The note (fewer samples) is the benchmark's; its extra rows do not repeat it.
    row.workload + (row.note && !row.of ? ` [${row.note}]` : ''),
    row.error ? 'ERROR' : format(row.median, row.unit),
    row.error ? '' : format(row.min, row.unit),
    row.error ? '' : format(row.max, row.unit),
    row.unit,
    row.target?.text ?? '(info)',
    row.error ? `ERROR: ${row.error.split("\n")[0]}` : row.pass === null ? '' : row.pass ? 'pass' : `MISS (${missBy(row)})`,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
  const render = (cells) => `| ${cells.map((cell, column) => (column >= 2 && column <= 4 ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join(' | ')} |`;
  return [render(header), `|${widths.map((width, column) => (column >= 2 && column <= 4 ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`, ...lines.map(render)].join('\n');
}

function missBy(row) {
  if (row.target.max === 0) return `${format(row.median, row.unit)} over`;
  return `${((row.median / row.target.max - 1) * 100).toFixed(0)}% over`;
}
