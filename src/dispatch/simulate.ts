/**
 * The `--dry-run` dispatcher: a scripted mock with no rules. Text agents answer `"done: <prompt>"`
 * and schema agents a minimal valid instance of their schema, so the whole workflow runs through
 * its control flow without a model and without cost.
 */
import type { Dispatcher } from './dispatcher.js';
import { ScriptedDispatcher } from '../testing/scripted-dispatcher.js';

export function createSimulator(): Dispatcher {
  return new ScriptedDispatcher({ name: 'simulate' });
}
