/**
 * Web search providers behind the {@link SearchBackend} interface: Tavily, Brave and SearXNG.
 * Each takes a `baseURL` (tests point it at a loopback fake) and a `fetch` (defaults to the global
 * one). The provider is picked from the environment by {@link searchBackendFromEnv}.
 *
 * An API key never appears in an error: the messages a backend throws end up in front of the
 * model and in run records, so every message built from a response or a network error passes
 * through {@link redact} first.
 */
import { ConfigError } from '../../config/errors.js';
import { decodeEntities } from './html-to-text.js';
import { deadline } from './signals.js';
import { ToolError, type SearchBackend, type SearchResult } from './tool.js';

/** Time limit of one search request, combined with the caller's signal. */
export const SEARCH_TIMEOUT_MS = 10_000;
/** Characters of an error response body quoted in a message. */
const ERROR_BODY_CHARS = 300;

export interface KeyedBackendOptions {
  apiKey: string;
  baseURL?: string;
  fetch?: typeof fetch;
}

export interface SearxngBackendOptions {
  baseURL: string;
  fetch?: typeof fetch;
}

/** Tavily: `POST {base}/search` with a Bearer key and `{query, max_results}`; `results[]{title,url,content}`. */
export function createTavilyBackend(options: KeyedBackendOptions): SearchBackend {
  const base = options.baseURL ?? 'https://api.tavily.com';
  const secrets = [options.apiKey];
  return {
    name: 'tavily',
    async search(query, { maxResults, signal }) {
      const data = await requestJson('tavily', endpoint(base, 'search'), secrets, signal, options.fetch, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query, max_results: maxResults }),
      });
      return mapResults(arrayAt(data, ['results'], 'tavily'), maxResults, (item) => ({
        title: item.title,
        url: item.url,
        snippet: item.content,
        published: item.published_date,
      }));
    },
  };
}

/** Brave: `GET {base}/res/v1/web/search?q=&count=` with `X-Subscription-Token`; `web.results[]{title,url,description}`. */
export function createBraveBackend(options: KeyedBackendOptions): SearchBackend {
  const base = options.baseURL ?? 'https://api.search.brave.com';
  const secrets = [options.apiKey];
  return {
    name: 'brave',
    async search(query, { maxResults, signal }) {
      const url = endpoint(base, 'res/v1/web/search');
      url.searchParams.set('q', query);
      url.searchParams.set('count', String(maxResults));
      const data = await requestJson('brave', url, secrets, signal, options.fetch, {
        method: 'GET',
        headers: { 'x-subscription-token': options.apiKey, accept: 'application/json' },
      });
      // Brave marks query terms with <strong> in titles and descriptions.
      return mapResults(arrayAt(data, ['web', 'results'], 'brave', true), maxResults, (item) => ({
        title: stripTags(item.title),
        url: item.url,
        snippet: stripTags(item.description),
        published: item.page_age ?? item.age,
      }));
    },
  };
}

/**
 * SearXNG: `GET {base}/search?q=&format=json`; `results[]{title,url,content}`. JSON output is off
 * in a default install and the instance answers 403, so that status gets its own explanation.
 */
export function createSearxngBackend(options: SearxngBackendOptions): SearchBackend {
  // The instance URL may carry credentials (https://user:pass@host): treat them as secrets too.
  const secrets = urlSecrets(options.baseURL);
  return {
    name: 'searxng',
    async search(query, { maxResults, signal }) {
      const url = endpoint(options.baseURL, 'search');
      url.searchParams.set('q', query);
      url.searchParams.set('format', 'json');
      const data = await requestJson('searxng', url, secrets, signal, options.fetch, { method: 'GET', headers: { accept: 'application/json' } }, (status) =>
        status === 403
          ? 'SearXNG refused JSON output (HTTP 403): enable it in the instance\'s settings.yml under `search.formats` (e.g. `formats: [html, json]`), and check that the limiter lets this client through'
          : status === 429
            ? 'SearXNG rate-limited the request (HTTP 429): the instance\'s limiter blocks scripted clients; disable it or allow this client'
            : undefined,
      );
      return mapResults(arrayAt(data, ['results'], 'searxng'), maxResults, (item) => ({
        title: item.title,
        url: item.url,
        snippet: item.content,
        published: item.publishedDate,
      }));
    },
  };
}

const PROVIDERS = ['tavily', 'brave', 'searxng'] as const;

/**
 * The search backend the environment asks for: `WF_SEARCH_PROVIDER` (tavily, brave, searxng, or
 * none) when set, otherwise the first of TAVILY_API_KEY, BRAVE_API_KEY, SEARXNG_URL that is set.
 * Undefined when nothing is configured (web_search is then not offered). An explicit provider
 * without its key, or an unknown provider name, is a configuration error: silently searching
 * with nothing would hide the mistake.
 */
export function searchBackendFromEnv(env: NodeJS.ProcessEnv, options: { fetch?: typeof fetch } = {}): SearchBackend | undefined {
  const value = (name: string) => {
    const text = env[name]?.trim();
    return text ? text : undefined;
  };
  const extra = options.fetch ? { fetch: options.fetch } : {};
  const build = (provider: (typeof PROVIDERS)[number]): SearchBackend | undefined => {
    switch (provider) {
      case 'tavily': {
        const apiKey = value('TAVILY_API_KEY');
        return apiKey ? createTavilyBackend({ apiKey, ...extra }) : undefined;
      }
      case 'brave': {
        const apiKey = value('BRAVE_API_KEY');
        return apiKey ? createBraveBackend({ apiKey, ...extra }) : undefined;
      }
      case 'searxng': {
        const baseURL = value('SEARXNG_URL');
        return baseURL ? createSearxngBackend({ baseURL, ...extra }) : undefined;
      }
    }
  };
  const chosen = value('WF_SEARCH_PROVIDER')?.toLowerCase();
  if (chosen !== undefined) {
    if (chosen === 'none' || chosen === 'off') return undefined;
    if (!(PROVIDERS as readonly string[]).includes(chosen)) {
      throw new ConfigError(`unknown search provider ${JSON.stringify(chosen)} in WF_SEARCH_PROVIDER`, {
        hint: `use one of ${PROVIDERS.join(', ')}, or none`,
      });
    }
    const provider = chosen as (typeof PROVIDERS)[number];
    const backend = build(provider);
    if (!backend) {
      const needed = provider === 'searxng' ? 'SEARXNG_URL' : `${provider.toUpperCase()}_API_KEY`;
      throw new ConfigError(`search provider ${provider} is chosen but ${needed} is not set`, { hint: `set ${needed}, or choose another provider` });
    }
    return backend;
  }
  for (const provider of PROVIDERS) {
    const backend = build(provider);
    if (backend) return backend;
  }
  return undefined;
}

/** `{base}/{path}`, keeping any path the base URL already has (`https://host/searx` + `search`). */
function endpoint(base: string, path: string): URL {
  let url: URL;
  try {
    url = new URL(base.endsWith('/') ? base : `${base}/`);
  } catch {
    throw new ToolError(`search backend URL is not valid: ${JSON.stringify(redactUrl(base))}`);
  }
  return new URL(path, url);
}

/** One JSON request with a time limit, errors stated without secrets. */
async function requestJson(
  provider: string,
  url: URL,
  secrets: readonly string[],
  signal: AbortSignal,
  fetchImpl: typeof fetch | undefined,
  init: { method: string; headers: Record<string, string>; body?: string },
  explainStatus?: (status: number) => string | undefined,
): Promise<unknown> {
  const limit = deadline(signal, SEARCH_TIMEOUT_MS);
  const shown = redact(redactUrl(url.href), secrets);
  try {
    let response: Response;
    try {
      response = await (fetchImpl ?? fetch)(url, { ...init, signal: limit.signal });
    } catch (error) {
      throw networkError(provider, shown, error, secrets, limit.timedOut, signal);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw networkError(provider, shown, error, secrets, limit.timedOut, signal);
    }
    if (!response.ok) {
      const explained = explainStatus?.(response.status);
      if (explained) throw new ToolError(explained);
      const excerpt = text.trim().slice(0, ERROR_BODY_CHARS).replace(/\s+/g, ' ');
      throw new ToolError(redact(`${provider} search failed: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${excerpt ? `: ${excerpt}` : ''}`, secrets));
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ToolError(`${provider} search returned a response that is not JSON (from ${shown})`);
    }
  } finally {
    limit.dispose();
  }
}

function networkError(provider: string, shown: string, error: unknown, secrets: readonly string[], timedOut: boolean, signal: AbortSignal): unknown {
  if (timedOut) return new ToolError(`${provider} search timed out after ${SEARCH_TIMEOUT_MS / 1000} s`);
  if (signal.aborted) return signal.reason ?? error;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new ToolError(redact(`${provider} search request to ${shown} failed: ${detail}`, secrets));
}

/** Every occurrence of a secret (and its URL-encoded form) replaced, whatever the message is built from. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue; // too short to replace without mangling ordinary text
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join('[redacted]');
  }
  return out;
}

function redactUrl(href: string): string {
  try {
    const url = new URL(href);
    if (url.username || url.password) {
      url.username = url.username ? 'redacted' : '';
      url.password = url.password ? 'redacted' : '';
    }
    return url.href;
  } catch {
    return href;
  }
}

function urlSecrets(href: string): string[] {
  try {
    const url = new URL(href);
    return [decodeURIComponent(url.username), decodeURIComponent(url.password)].filter((part) => part !== '');
  } catch {
    return [];
  }
}

type Json = Record<string, unknown>;

function arrayAt(data: unknown, path: readonly string[], provider: string, missingIsEmpty = false): Json[] {
  let node: unknown = data;
  for (const key of path) node = typeof node === 'object' && node !== null ? (node as Json)[key] : undefined;
  if (node === undefined && missingIsEmpty) return []; // Brave omits `web` when nothing is found
  if (!Array.isArray(node)) throw new ToolError(`${provider} search returned an unexpected response (no ${path.join('.')} array)`);
  return node.filter((item): item is Json => typeof item === 'object' && item !== null);
}

/** Results with a string title and url; the rest dropped. At most `maxResults`. */
function mapResults(items: Json[], maxResults: number, pick: (item: Json) => Record<keyof SearchResult, unknown>): SearchResult[] {
  const results: SearchResult[] = [];
  for (const item of items) {
    const picked = pick(item);
    if (typeof picked.url !== 'string' || picked.url === '') continue;
    const result: SearchResult = {
      title: typeof picked.title === 'string' && picked.title !== '' ? picked.title : picked.url,
      url: picked.url,
      snippet: typeof picked.snippet === 'string' ? picked.snippet : '',
    };
    if (typeof picked.published === 'string' && picked.published !== '') result.published = picked.published;
    results.push(result);
    if (results.length >= maxResults) break;
  }
  return results;
}

function stripTags(value: unknown): unknown {
  return typeof value === 'string' ? decodeEntities(value.replace(/<[^>]*>/g, '')) : value;
}
