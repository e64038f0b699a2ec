/**
 * The shape of `.boocode/config.json` (project) and `~/.boocode/config.json` (user). Every object
 * is strict: a misspelt key is an error naming the file and the key, never silently ignored.
 * Secrets never live here: a provider names the environment variable that holds its key.
 */
import { z } from 'zod';

const modelSpec = z.string().min(1).regex(/^[^\s]+$/, 'a model is `provider/model` or an alias, without spaces');

/** USD per million tokens. */
export const priceSchema = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cacheRead: z.number().nonnegative().optional(),
  cacheWrite: z.number().nonnegative().optional(),
});

export const providerSchema = z.strictObject({
  /** Wire protocol. Named providers are OpenAI-compatible unless they say otherwise. */
  type: z.enum(['openai', 'anthropic', 'openai-compatible']).optional(),
  baseURL: z.url().optional(),
  /** Name of the environment variable holding the key (never the key itself). */
  apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional(),
  headers: z.record(z.string(), z.string()).optional(),
  concurrency: z.int().min(1).max(256).optional(),
});

export const agentTypeSchema = z.strictObject({
  model: modelSpec.optional(),
  /** Tool names for API agents (`read_file`, `list_dir`, `glob`, `grep`, `web_fetch`, `web_search`); `[]` for none. */
  tools: z.array(z.string()).optional(),
  system: z.string().optional(),
  description: z.string().optional(),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  /** The default model of agents that name none. */
  model: modelSpec.optional(),
  /** Short names for models: `{"fast": "openai/gpt-5-mini"}`; also maps Claude Code's `sonnet`/`opus`/`haiku`. */
  aliases: z.record(z.string(), modelSpec).optional(),
  providers: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'provider names are lowercase letters, digits and dashes'), providerSchema).optional(),
  agentTypes: z.record(z.string(), agentTypeSchema).optional(),
  /** Tools an API agent gets when its agentType does not say. */
  tools: z.array(z.string()).optional(),
  prices: z.record(z.string(), priceSchema).optional(),
  web: z
    .strictObject({
      allowPrivate: z.boolean().optional(),
      allowHosts: z.array(z.string()).optional(),
      maxBytes: z.int().positive().optional(),
      timeoutMs: z.int().positive().optional(),
      search: z.enum(['tavily', 'brave', 'searxng', 'none']).optional(),
    })
    .optional(),
  retries: z.strictObject({ maxRetries: z.int().min(0).max(10).optional(), maxRetryAfterMs: z.int().min(0).optional() }).optional(),
  cli: z
    .strictObject({
      claude: z.strictObject({ bin: z.string().optional(), concurrency: z.int().min(1).optional() }).optional(),
      codex: z.strictObject({ bin: z.string().optional(), concurrency: z.int().min(1).optional() }).optional(),
    })
    .optional(),
});

export type WfConfig = z.infer<typeof configSchema>;
export type ProviderConfig = z.infer<typeof providerSchema>;
export type AgentTypeConfig = z.infer<typeof agentTypeSchema>;
export type Price = z.infer<typeof priceSchema>;
