// The module form (spec F7): after `meta`, one `export default async function`. It is called with
// the run's `args`, and what it returns is the result. The globals are the same as in a top-level
// body; nothing else may sit beside the function.
export const meta = {
  name: 'module-form',
  description: 'Draft a short explanation, have it fact-checked, and revise it if needed.',
  whenToUse: 'An example of the module form. args: the topic to explain, a string (default "the water cycle").',
  phases: [
    { title: 'Draft', detail: 'one agent writes a paragraph' },
    { title: 'Check', detail: 'one agent lists factual errors' },
    { title: 'Revise', detail: 'one agent fixes them, only when there are any' },
  ],
  args: { type: 'string', description: 'The topic to explain; omitted means "the water cycle"' },
};

/** @param {string | undefined} args the topic to explain */
export default async function run(args) {
  const topic = typeof args === 'string' && args.trim() !== '' ? args.trim() : 'the water cycle';

  phase('Draft');
  const draft = await agent(`Explain ${topic} in one short paragraph for a curious 12-year-old.`, {
    label: 'draft',
  });
  if (draft === null) return { topic, text: null, fixes: [] };

  phase('Check');
  const check = await agent(`List the factual errors in this explanation of ${topic}, if any:\n\n${draft}`, {
    label: 'check',
    effort: 'high',
    schema: {
      type: 'object',
      properties: { fixes: { type: 'array', items: { type: 'string' }, description: 'One entry per error' } },
      required: ['fixes'],
      additionalProperties: false,
    },
  });
  if (check === null || check.fixes.length === 0) return { topic, text: draft, fixes: [] };

  phase('Revise');
  const revised = await agent(
    `Rewrite this explanation of ${topic}, fixing these errors:\n- ${check.fixes.join('\n- ')}\n\n${draft}`,
    { label: 'revise' },
  );
  return { topic, text: revised ?? draft, fixes: check.fixes };
}
