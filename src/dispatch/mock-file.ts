/**
 * Reads a mock file (`wf run --mock rules.json`): `{ "rules": [ MockRule, ... ] }`, optionally with
 * `"model"` (the model the mock says it serves by default) and `"agentTypes"` (`{ "coder":
 * { "tools": ["read_file"] } }`: agent types that act like tool-using agents). Every field is
 * checked here, before the run starts, and a bad file is a usage error (exit 2) that names the
 * file and the field: `mock.json: rules[2].delayMs must be a non-negative number`.
 */
import { readFile } from 'node:fs/promises';
import { WfUsageError, messageOf } from '../errors.js';
import { mockRuleProblem, type MockRule } from '../testing/mock-rule.js';

/** A parsed mock file: the options of a ScriptedDispatcher. */
export interface MockFile {
  rules: MockRule[];
  model?: string;
  agentTypes?: Record<string, { tools: string[] }>;
}

export async function loadMockFile(path: string): Promise<MockFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new WfUsageError(`${path}: cannot read the mock file (${messageOf(error)})`, { cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new WfUsageError(`${path}: not valid JSON (${messageOf(error)})`, { cause: error });
  }
  return parseMockFile(data, path);
}

/** The checks of {@link loadMockFile} on already parsed data; `file` prefixes every message. */
export function parseMockFile(data: unknown, file: string): MockFile {
  const shape = 'expected an object like { "rules": [ { "match": "...", "reply": "..." } ] }';
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new WfUsageError(`${file}: ${shape}`);
  }
  const unknown = Object.keys(data).find((key) => !['rules', 'model', 'agentTypes'].includes(key));
  if (unknown !== undefined) throw new WfUsageError(`${file}: unknown key ${JSON.stringify(unknown)}; ${shape}`);
  const rules = (data as { rules?: unknown }).rules;
  if (!Array.isArray(rules)) throw new WfUsageError(`${file}: rules must be an array; ${shape}`);
  rules.forEach((rule, index) => {
    const problem = mockRuleProblem(rule, `rules[${index}]`);
    if (problem) throw new WfUsageError(`${file}: ${problem}`);
  });
  const { model, agentTypes } = data as { model?: unknown; agentTypes?: unknown };
  if (model !== undefined && (typeof model !== 'string' || model === '')) throw new WfUsageError(`${file}: model must be a non-empty string`);
  if (agentTypes !== undefined) checkAgentTypes(agentTypes, file);
  return {
    rules: rules as MockRule[],
    ...(model === undefined ? {} : { model: model as string }),
    ...(agentTypes === undefined ? {} : { agentTypes: agentTypes as MockFile['agentTypes'] }),
  };
}

function checkAgentTypes(agentTypes: unknown, file: string): void {
  const shape = 'agentTypes must be an object like { "coder": { "tools": ["read_file"] } }';
  if (typeof agentTypes !== 'object' || agentTypes === null || Array.isArray(agentTypes)) throw new WfUsageError(`${file}: ${shape}`);
  for (const [name, type] of Object.entries(agentTypes)) {
    const tools = (type as { tools?: unknown } | null)?.tools;
    if (!Array.isArray(tools) || !tools.every((tool) => typeof tool === 'string')) {
      throw new WfUsageError(`${file}: agentTypes.${name}.tools must be an array of tool names`);
    }
  }
}
