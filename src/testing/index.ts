/**
 * `wf/testing`: what users need to test their workflows without a model. Run a workflow with a
 * {@link ScriptedDispatcher} and assert on its answers and on the calls it recorded.
 */
export { ScriptedDispatcher, DEFAULT_MOCK_USAGE, type ScriptedDispatcherOptions } from './scripted-dispatcher.js';
export { mockRuleProblem, type MockRule, type MockRuleCheckOptions } from './mock-rule.js';
export { minimalInstance } from '../schema/minimal-instance.js';
