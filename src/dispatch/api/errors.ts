/**
 * Errors of the API dispatcher. Every message names the provider and model (`openai/gpt-4.1`) and
 * is redacted before it is built: a key never reaches a message, a hint, or a record. The raw SDK
 * error is deliberately not attached as `cause`, because its response body may echo a key.
 */
import { WfError, type WfErrorOptions } from '../../errors.js';
import type { ErrorKind } from '../retry.js';

export interface ProviderErrorDetails {
  provider: string;
  model: string;
  kind: ErrorKind;
  status?: number;
  retryAfterMs?: number;
  /** Attempts made (1 when the error was not retried). */
  attempts?: number;
}

/** A model request failed (after any retries). */
export class ProviderError extends WfError {
  readonly provider: string;
  readonly model: string;
  readonly kind: ErrorKind;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly attempts?: number;

  constructor(message: string, details: ProviderErrorDetails, options: WfErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'WF_PROVIDER', message, options);
    this.name = 'ProviderError';
    this.provider = details.provider;
    this.model = details.model;
    this.kind = details.kind;
    if (details.status !== undefined) this.status = details.status;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
    if (details.attempts !== undefined) this.attempts = details.attempts;
  }
}

/** 401/403: the key is missing, wrong, or lacks access to the model. Never retried. */
export class ProviderAuthError extends ProviderError {
  constructor(message: string, details: ProviderErrorDetails, options: WfErrorOptions = {}) {
    super(message, details, { ...options, code: 'WF_PROVIDER_AUTH' });
    this.name = 'ProviderAuthError';
  }
}

/** The account's quota, credit or billing is exhausted. Never retried. */
export class ProviderQuotaError extends ProviderError {
  constructor(message: string, details: ProviderErrorDetails, options: WfErrorOptions = {}) {
    super(message, details, { ...options, code: 'WF_PROVIDER_QUOTA' });
    this.name = 'ProviderQuotaError';
  }
}

/** Still rate limited after the retries, or the provider asked to wait longer than wf does. */
export class ProviderRateLimitError extends ProviderError {
  constructor(message: string, details: ProviderErrorDetails, options: WfErrorOptions = {}) {
    super(message, details, { ...options, code: 'WF_PROVIDER_RATE_LIMIT' });
    this.name = 'ProviderRateLimitError';
  }
}

/** The endpoint cannot be used as configured (e.g. an OpenAI-compatible provider without a base URL). */
export class ProviderConfigError extends WfError {
  constructor(message: string, options: WfErrorOptions = {}) {
    super('WF_PROVIDER_CONFIG', message, options);
    this.name = 'ProviderConfigError';
  }
}

/** The agent loop itself gave up (turn cap reached). */
export class AgentLoopError extends WfError {
  constructor(message: string, options: WfErrorOptions = {}) {
    super('WF_AGENT_LOOP', message, options);
    this.name = 'AgentLoopError';
  }
}
