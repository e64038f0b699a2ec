/**
 * Reads a mock file (`wf run --mock rules.json`): `{ "rules": [ MockRule, ... ] }`. Every field is
 * checked here, before the run starts, and a bad file is a usage error (exit 2) that names the
 * file and the field: `mock.json: rules[2].delayMs must be a non-negative number`.
 */
import { readFile } from 'node:fs/promises';
import { WfUsageError, messageOf } from '../errors.js';
import { mockRuleProblem, type MockRule } from '../testing/mock-rule.js';

export async function loadMockFile(path: string): Promise<MockRule[]> {
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
export function parseMockFile(data: unknown, file: string): MockRule[] {
  const shape = 'expected an object like { "rules": [ { "match": "...", "reply": "..." } ] }';
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new WfUsageError(`${file}: ${shape}`);
  }
  const unknown = Object.keys(data).find((key) => key !== 'rules');
  if (unknown !== undefined) throw new WfUsageError(`${file}: unknown key ${JSON.stringify(unknown)}; ${shape}`);
  const rules = (data as { rules?: unknown }).rules;
  if (!Array.isArray(rules)) throw new WfUsageError(`${file}: rules must be an array; ${shape}`);
  rules.forEach((rule, index) => {
    const problem = mockRuleProblem(rule, `rules[${index}]`);
    if (problem) throw new WfUsageError(`${file}: ${problem}`);
  });
  return rules as MockRule[];
}
