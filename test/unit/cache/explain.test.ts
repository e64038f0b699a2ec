/** C5: the field-level explanation of a miss, and the choice of what to compare it with. */
import { describe, expect, test } from 'vitest';
import { closestCandidate, diffSpecs, type SpecCandidate } from '../../../src/cache/explain.js';
import type { StepSpec } from '../../../src/cache/key.js';

const spec = (overrides: Partial<StepSpec> = {}): StepSpec => ({ v: 1, kind: 'agent', ns: '', prompt: 'Review the file src/a.ts for bugs', harness: 'mock@1', model: { id: 'prov/m1' }, sample: 0, ...overrides });

describe('C5 explaining a miss', () => {
  test('C5 an unchanged spec has no differences', () => {
    expect(diffSpecs(spec(), spec())).toEqual([]);
  });

  test('C5 a prompt change names the first differing character and shows both sides', () => {
    const [difference] = diffSpecs(spec(), spec({ prompt: 'Review the file src/b.ts for bugs' }));
    expect(difference).toEqual({ field: 'prompt', detail: 'differs from character 21: "a.ts for bugs" → "b.ts for bugs"' });
  });

  test('C5 model, schema, workspace, occurrence and other fields are each named', () => {
    const fields = diffSpecs(
      spec({ reads: { workspace: 'git:a' } }),
      spec({ model: { id: 'prov/m2' }, schema: { type: 'object' }, effort: 'high', reads: { workspace: 'git:b' }, sample: 1 }),
    ).map((difference) => difference.field);
    expect(fields).toEqual(['model', 'schema', 'effort', 'workspace', 'occurrence']);
  });

  test('C5 the closest candidate: same label first, then the shared prompt prefix and the same call of the workflow', () => {
    const candidates: SpecCandidate[] = [
      { spec: spec({ prompt: 'something else entirely' }), label: 'review', index: 9, runId: 'wf_a' },
      { spec: spec({ prompt: 'Review the file src/a.ts for style' }), label: 'other', index: 1, runId: 'wf_b', workflow: 'w' },
      { spec: spec({ prompt: 'zzz' }), label: 'x', index: 3, runId: 'wf_c', workflow: 'w' },
    ];
    const now = spec({ prompt: 'Review the file src/a.ts for bugs!' });
    expect(closestCandidate(now, { label: 'review', index: 0, workflow: 'w' }, candidates)?.runId).toBe('wf_a');
    expect(closestCandidate(now, { label: 'new label', index: 7, workflow: 'w' }, candidates)?.runId).toBe('wf_b');
    expect(closestCandidate(spec({ prompt: 'Summarise' }), { label: 'new label', index: 3, workflow: 'w' }, candidates)?.runId).toBe('wf_c');
    expect(closestCandidate(spec({ prompt: 'q' }), { label: 'new', index: 7 }, candidates)).toBeUndefined();
  });

  test('C5 between equally close candidates, the one with fewer differing fields is chosen', () => {
    const now = spec({ prompt: 'Review the file src/a.ts for bugs!' });
    const candidates: SpecCandidate[] = [
      { spec: spec({ model: { id: 'prov/m2' } }), label: 'review', index: 0, runId: 'wf_other_model' },
      { spec: spec(), label: 'review', index: 0, runId: 'wf_same_model' },
    ];
    expect(closestCandidate(now, { label: 'review', index: 0 }, candidates)?.runId).toBe('wf_same_model');
  });
});
