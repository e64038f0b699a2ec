// Plan, fan out, merge: one agent splits the subject into topics, one agent per topic works in
// parallel, and one agent summarizes the notes. A failed topic agent leaves `null` in `notes`.
export const meta = {
  name: 'fan-out',
  description: 'Split a subject into topics, take notes on each topic in parallel, then summarize.',
  whenToUse: 'For a broad question that splits into independent parts. args: { subject, count } (count: 1-8 topics, default 3).',
  phases: [
    { title: 'Plan', detail: 'one agent picks the topics' },
    { title: 'Work', detail: 'one agent per topic, in parallel' },
    { title: 'Summarize', detail: 'one agent merges the notes' },
  ],
  args: {
    type: 'object',
    properties: {
      subject: { type: 'string', minLength: 1, description: 'What to study', default: 'how SQLite stores data' },
      count: { type: 'integer', minimum: 1, maximum: 8, description: 'How many topics', default: 3 },
    },
    additionalProperties: false,
  },
};

const subject = args?.subject ?? 'how SQLite stores data';
const count = args?.count ?? 3;

phase('Plan');
const plan = await agent(
  `Split the subject "${subject}" into at most ${count} topics that can be studied independently. ` +
    'Each topic is a short noun phrase.',
  {
    label: 'plan',
    schema: {
      type: 'object',
      properties: {
        topics: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, maxItems: count },
      },
      required: ['topics'],
      additionalProperties: false,
    },
  },
);
if (plan === null) throw new Error('the planning agent failed, so there is nothing to fan out');
/** @type {string[]} */
const topics = plan.topics;

phase('Work');
const notes = await parallel(
  topics.map((topic, i) => () =>
    agent(`Write 3 to 5 factual bullet points about "${topic}", as part of studying "${subject}".`, {
      label: `notes ${i + 1}/${topics.length}`,
    }),
  ),
);

phase('Summarize');
const sections = topics.map((topic, i) => `## ${topic}\n${notes[i] ?? '(no notes: this agent failed)'}`);
const summary = await agent(
  `Summarize what these notes say about "${subject}" in one paragraph.\n\n${sections.join('\n\n')}`,
  { label: 'summarize' },
);

return { topics, notes, summary };
