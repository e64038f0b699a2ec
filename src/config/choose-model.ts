/**
 * The run's default model (design decision 7): `--model` > `WF_MODEL` > project config > user
 * config > auto-detection. With nothing at all, the error names every way to configure one.
 */
import { detectProviders } from './detect.js';
import { NoModelError } from './errors.js';
import type { LoadedConfig } from './load.js';
import { formatModelSpec, resolveModel } from './models.js';

export interface ModelChoice {
  /** `provider/model`, resolved through aliases. */
  model: string;
  /** Where it came from, for the run header and `wf doctor`: `--model`, `WF_MODEL`, a config path, or what was detected. */
  source: string;
}

export interface ChooseModelOptions {
  flag?: string;
  env: NodeJS.ProcessEnv;
  loaded: LoadedConfig;
  fetch?: typeof fetch;
}

export async function chooseModel({ flag, env, loaded, fetch }: ChooseModelOptions): Promise<ModelChoice> {
  const { config } = loaded;
  const explicit: Array<[string | undefined, string]> = [
    [flag, '--model'],
    [env.WF_MODEL || undefined, 'WF_MODEL'],
    [config.model, loaded.modelFrom ? loaded.modelFrom.path : 'config'],
  ];
  for (const [value, source] of explicit) {
    if (value === undefined) continue;
    // An alias or a bare provider is resolved here, once, so the run records a concrete model.
    return { model: formatModelSpec(resolveModel(value, config, undefined).spec), source };
  }
  const detected = await detectProviders({ env, config, firstOnly: true, ...(fetch ? { fetch } : {}) });
  const first = detected.find((status) => status.available && status.model);
  if (first) return { model: first.model!, source: `detected: ${first.detail}` };
  throw new NoModelError('no model is configured and none was found on this machine', {
    hint: [
      'choose one of:',
      '  --model provider/model (e.g. --model openai/gpt-5-mini), or WF_MODEL=provider/model',
      '  "model": "provider/model" in .boocode/config.json or ~/.boocode/config.json',
      '  ANTHROPIC_API_KEY or OPENAI_API_KEY (with OPENAI_BASE_URL for a compatible server) in the environment',
      '  a local Ollama (OLLAMA_HOST, default 127.0.0.1:11434) with a model pulled',
      '  the claude or codex CLI on PATH',
      'or preview the workflow without a model: wf run <name> --dry-run   (wf doctor shows what was checked)',
    ].join('\n'),
  });
}
