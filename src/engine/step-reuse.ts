/**
 * Step reuse (spec C2–C4): for each agent() call, its key, and whether it is answered from an
 * earlier run (the resumed run's journal, or the project's cache) or runs live. Calls are keyed
 * one at a time in call order, so occurrence numbers (C1) and prefix mode (C4) see the order the
 * script made its calls in, whatever order their keys' inputs (files, workspace) are read in.
 */
import { baseKey, OccurrenceCounter, stepKey, type BaseStepSpec, type StepSpec } from '../cache/key.js';
import type { ReplaySource, PrefixCursor, ReplayStep } from '../cache/replay-source.js';
import { matchesStep, type StepSelector } from '../cache/selector.js';
import type { CacheEntry, CacheStore } from '../cache/store.js';
import { filesDigest, WorkspaceFingerprints } from '../cache/workspace.js';
import { profileOf, type Dispatcher, type Usage } from '../dispatch/dispatcher.js';
import type { AgentOptions } from './agent-options.js';

/** Cross-run reuse settings of a run (C3). */
export interface CacheOptions {
  /** The project's step cache. Without one, nothing is read from or written to a cache. */
  store?: CacheStore | null;
  /** Serve steps from the store (default true). `false` is `--no-cache`: all live, results still written. */
  read?: boolean;
  /** Write completed steps to the store (default true). */
  write?: boolean;
  /** Calls matching any selector run live and replace their entry (`--refresh`). */
  refresh?: StepSelector[];
  /** Project salt in every key; change it to invalidate the project's whole cache. Default "". */
  namespace?: string;
}

/** What `wf resume` reuses from the run it resumes (C4). */
export interface ResumeOptions {
  source: ReplaySource;
  /** `content` (default): any completed key, wherever it was. `prefix`: Claude Code's rule. */
  mode: 'content' | 'prefix';
  /** The first call matching it, and every call after it, runs live (`--from`). */
  from?: StepSelector;
}

/** Where a reused step came from: the run that produced it live, and how we found it. */
export interface CachedFrom {
  via: 'journal' | 'cache';
  runId: string;
}

/** Why a call runs live. */
export type LiveReason = 'new' | 'no-cache' | 'opted-out' | 'refresh' | 'from' | 'prefix' | 'expired' | 'corrupt';

/** A step answered from an earlier run. */
export type StepHit = { kind: 'hit'; value: unknown; usage?: Usage; model?: string; from: CachedFrom };

export type StepDecision = StepHit | { kind: 'live'; reason: LiveReason; write: boolean; replace: boolean };

export interface PreparedStep {
  key: string;
  spec: StepSpec;
  decision: StepDecision;
}

/** The call as the reuse policy sees it. */
export interface StepCall {
  index: number;
  label: string;
  phase: string | null;
  prompt: string;
  options: AgentOptions;
  /** The model the call asks for after the run's default applied. */
  model?: string;
}

export class StepReuse {
  private readonly occurrences = new OccurrenceCounter();
  private readonly workspace: WorkspaceFingerprints;
  private readonly cursor?: PrefixCursor;
  private chain: Promise<unknown> = Promise.resolve();
  private fromReached = false;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly projectRoot: string,
    private readonly cache: CacheOptions = {},
    private readonly resume?: ResumeOptions,
    private readonly now: () => number = Date.now,
    private readonly warn: (message: string) => void = () => undefined,
  ) {
    this.workspace = new WorkspaceFingerprints(projectRoot);
    if (resume?.mode === 'prefix') this.cursor = resume.source.prefixCursor();
  }

  get store(): CacheStore | null {
    return this.cache.store ?? null;
  }

  /** Keys the call and decides hit or live. Calls are handled strictly in the order they come. */
  prepare(call: StepCall): Promise<PreparedStep> {
    const prepared = this.chain.then(() => this.prepareNow(call));
    this.chain = prepared.catch(() => undefined);
    return prepared;
  }

  /** An agent finished live: it may have edited files, so the next workspace key reads them again. */
  agentFinished(): void {
    this.workspace.invalidate();
  }

  /** The spec of a call before its occurrence number (exported for `wf explain`). */
  async baseSpec(call: StepCall): Promise<BaseStepSpec> {
    const { options } = call;
    const profile = await profileOf(this.dispatcher, {
      ...(call.model === undefined ? {} : { model: call.model }),
      ...(call.model !== undefined && options.model === undefined ? { modelIsDefault: true } : {}),
      ...(options.schema === undefined ? {} : { schema: options.schema }),
      ...(options.effort === undefined ? {} : { effort: options.effort }),
      ...(options.agentType === undefined ? {} : { agentType: options.agentType }),
      ...(options.isolation === undefined ? {} : { isolation: options.isolation }),
      ...(options.maxToolCalls === undefined ? {} : { maxToolCalls: options.maxToolCalls }),
    });
    const reads: { files?: string; workspace?: string } = {};
    if (options.reads !== undefined && options.reads !== 'workspace') {
      reads.files = (await filesDigest(this.projectRoot, options.reads.files)).digest;
    }
    if (options.reads === 'workspace' || profile.readsWorkspace) reads.workspace = await this.workspace.current();
    const salt = options.cache ? options.cache.key : undefined;
    return {
      v: 1,
      kind: 'agent',
      ns: this.cache.namespace ?? '',
      prompt: call.prompt,
      harness: profile.harness,
      model: { id: profile.model, ...(profile.params && Object.keys(profile.params).length ? { params: profile.params } : {}) },
      ...(profile.system === undefined ? {} : { system: profile.system }),
      ...(profile.tools?.length ? { tools: [...profile.tools].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) } : {}),
      ...(options.schema === undefined ? {} : { schema: options.schema }),
      ...(options.effort === undefined ? {} : { effort: options.effort }),
      ...(options.agentType === undefined ? {} : { agentType: options.agentType }),
      ...(options.isolation === undefined ? {} : { isolation: options.isolation }),
      ...(options.maxToolCalls === undefined ? {} : { maxToolCalls: options.maxToolCalls }),
      ...(Object.keys(reads).length ? { reads } : {}),
      ...(salt === undefined ? {} : { salt }),
    };
  }

  private async prepareNow(call: StepCall): Promise<PreparedStep> {
    const base = await this.baseSpec(call);
    const spec: StepSpec = { ...base, sample: this.occurrences.next(baseKey(base)) };
    const key = stepKey(spec);
    return { key, spec, decision: await this.decide(call, key) };
  }

  private async decide(call: StepCall, key: string): Promise<StepDecision> {
    const optedOut = call.options.cache === false;
    const store = this.cache.store ?? null;
    const write = store !== null && this.cache.write !== false && !optedOut;
    const live = (reason: LiveReason): StepDecision => ({
      kind: 'live',
      reason,
      write,
      replace: reason === 'refresh' || reason === 'from' || reason === 'no-cache' || reason === 'expired' || reason === 'corrupt',
    });
    const step = { label: call.label, phase: call.phase, key, index: call.index };
    const { resume } = this;
    if (resume?.from && (this.fromReached || matchesStep(resume.from, step))) {
      this.fromReached = true;
      this.cursor?.breakPrefix();
      return live('from');
    }
    if (this.cache.refresh?.some((selector) => matchesStep(selector, step))) {
      this.cursor?.breakPrefix();
      return live('refresh');
    }
    const ttlMs = call.options.cache ? call.options.cache.ttlMs : undefined;
    if (resume && this.cursor) {
      // Prefix mode answers only from the resumed run, and only while the prefix holds.
      const replayed = this.cursor.next(call.index, key);
      if (!replayed) return live('prefix');
      return this.fresh(replayed.endedAt, ttlMs) ? journalHit(replayed) : live('expired');
    }
    let expired = false;
    if (resume) {
      const replayed = resume.source.byKey(key);
      if (replayed) {
        if (this.fresh(replayed.endedAt, ttlMs)) return journalHit(replayed);
        expired = true;
      }
    }
    if (optedOut) return live('opted-out');
    if (store === null) return live(expired ? 'expired' : 'new');
    if (this.cache.read === false) return live('no-cache');
    const lookup = await store.get(key, this.now());
    if (lookup.hit) {
      if (this.fresh(lookup.entry.createdAt, ttlMs)) return cacheHit(lookup.entry);
      return live('expired');
    }
    if (lookup.warning) this.warn(lookup.warning);
    if (lookup.reason === 'corrupt') return live('corrupt');
    return live(lookup.reason === 'expired' || expired ? 'expired' : 'new');
  }

  /** A TTL is judged by the call asking now, so shortening it in the script takes effect at once. */
  private fresh(producedAt: string | undefined, ttlMs: number | undefined): boolean {
    if (ttlMs === undefined) return true;
    const at = producedAt === undefined ? Number.NaN : Date.parse(producedAt);
    return Number.isFinite(at) && at + ttlMs > this.now();
  }
}

function journalHit(step: ReplayStep): StepHit {
  return {
    kind: 'hit',
    value: step.value,
    ...(step.usage ? { usage: step.usage } : {}),
    ...(step.model ? { model: step.model } : {}),
    from: { via: 'journal', runId: step.producerRunId },
  };
}

export function cacheHit(entry: CacheEntry): StepHit {
  return {
    kind: 'hit',
    value: entry.value,
    usage: entry.usage,
    ...(entry.model ? { model: entry.model } : {}),
    from: { via: 'cache', runId: entry.producer.runId },
  };
}
