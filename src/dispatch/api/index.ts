/** The API dispatcher (model APIs through the AI SDK v6, wf's own agent loop and tools). */
export { API_HARNESS, API_HARNESS_VERSION, apiProfile, createApiDispatcher, toolDigest, type ApiDispatcherOptions } from './api-dispatcher.js';
export type { ApiEndpoint, ApiKind, ResolvedAgent } from './endpoint.js';
export { AgentLoopError, ProviderAuthError, ProviderConfigError, ProviderError, ProviderQuotaError, ProviderRateLimitError, type ProviderErrorDetails } from './errors.js';
export { DEFAULT_MAX_TOOL_CALLS, TOOL_PARALLELISM } from './loop.js';
export { createLanguageModel, effortSettings, isOpenAIReasoningModel } from './models.js';
export { SUBMIT_TOOL_NAME, buildSystemPrompt } from './preamble.js';
export { normaliseUsage, sumUsage } from './usage.js';
