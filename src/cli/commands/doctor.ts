/**
 * `wf doctor`: which config files were read, which providers and agent CLIs this machine offers,
 * which model `wf run` would choose and why, and the web tools' setup. Prints no secret: only
 * whether a key variable is set.
 */
import { realpathSync } from 'node:fs';
import { Command } from 'commander';
import type { ModelChoice } from '../../config/choose-model.js';
import type { ProviderStatus } from '../../config/detect.js';
import type { LoadedConfig } from '../../config/load.js';
import { messageOf, WfError } from '../../errors.js';
import { projectDir } from '../../runs/project-dir.js';
import type { Output } from '../output.js';

interface DoctorReport {
  projectRoot: string;
  config: { files: string[]; error?: string };
  model: ModelChoice | { error: string; hint?: string };
  providers: Array<ProviderStatus & { version?: string }>;
  search: string | null;
  node: string;
}

export function doctorCommand(io: Output, setExitCode: (code: number) => void): Command {
  return new Command('doctor')
    .description('show which models and agent CLIs are available and which one wf run would use (prints no secrets)')
    .option('--model <provider/model>', 'check this model choice instead of the default')
    .option('--json', 'print the report as JSON')
    .action(async (flags: { model?: string; json?: boolean }) => {
      const report = await diagnose(flags.model);
      io.out(flags.json ? JSON.stringify(report, null, 2) : render(report));
      setExitCode('error' in report.model || report.config.error ? 1 : 0);
    });
}

async function diagnose(flag: string | undefined): Promise<DoctorReport> {
  // Imported here so that other commands do not pay for config validation and the tools.
  const [{ chooseModel }, { detectProviders, findOnPath }, { loadConfig }, { cliVersion }, { searchBackendFromEnv }] = await Promise.all([
    import('../../config/choose-model.js'),
    import('../../config/detect.js'),
    import('../../config/load.js'),
    import('../../dispatch/cli/index.js'),
    import('../../dispatch/tools/index.js'),
  ]);
  const projectRoot = realpathSync(projectDir(process.cwd()));
  const env = process.env;
  let loaded: LoadedConfig = { config: {}, sources: [] };
  let configError: string | undefined;
  try {
    loaded = loadConfig({ projectRoot });
  } catch (error) {
    configError = messageOf(error);
  }
  let model: DoctorReport['model'];
  try {
    model = await chooseModel({ ...(flag === undefined ? {} : { flag }), env, loaded });
  } catch (error) {
    model = { error: messageOf(error), ...(WfError.isInstance(error) && error.hint ? { hint: error.hint } : {}) };
  }
  const statuses = await detectProviders({ env, config: loaded.config });
  const providers = await Promise.all(
    statuses.map(async (status) => {
      if (status.kind !== 'cli' || !status.available) return status;
      const bin = findOnPath(status.provider === 'codex' ? (loaded.config.cli?.codex?.bin ?? 'codex') : (loaded.config.cli?.claude?.bin ?? 'claude'), env.PATH ?? '');
      const version = bin ? await cliVersion(bin, env) : undefined;
      return version ? { ...status, version } : status;
    }),
  );
  let search: string | null = null;
  try {
    const backend = loaded.config.web?.search === 'none' ? undefined : searchBackendFromEnv(loaded.config.web?.search ? { ...env, WF_SEARCH_PROVIDER: loaded.config.web.search } : env);
    search = backend?.name ?? null;
  } catch (error) {
    search = `misconfigured: ${messageOf(error)}`;
  }
  return {
    projectRoot,
    config: { files: loaded.sources.map((source) => source.path), ...(configError ? { error: configError } : {}) },
    model,
    providers,
    search,
    node: process.version,
  };
}

function render(report: DoctorReport): string {
  const lines = [`project: ${report.projectRoot}`, `node:    ${report.node}`];
  lines.push(`config:  ${report.config.files.length ? report.config.files.join(', ') : 'none (.boocode/config.json, ~/.boocode/config.json)'}`);
  if (report.config.error) lines.push(`  error: ${report.config.error}`);
  lines.push('', 'providers (auto-detection order):');
  const width = Math.max(...report.providers.map((status) => status.provider.length));
  for (const status of report.providers) {
    const mark = status.available ? 'ok ' : ' - ';
    const model = status.model ? ` → ${status.model}` : '';
    const version = status.version ? ` (${status.version})` : '';
    lines.push(`  ${mark} ${status.provider.padEnd(width)}  ${status.detail}${version}${model}`);
  }
  lines.push('', `web search: ${report.search ?? 'not configured (TAVILY_API_KEY, BRAVE_API_KEY or SEARXNG_URL); agents get no web_search tool'}`);
  lines.push('');
  if ('error' in report.model) {
    lines.push(`wf run would stop: ${report.model.error}`);
    if (report.model.hint) lines.push(report.model.hint);
  } else {
    lines.push(`wf run would use: ${report.model.model} (${report.model.source})`);
  }
  return lines.join('\n');
}
