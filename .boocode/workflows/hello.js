// The smallest workflow: one agent, one answer. Try it without a model: `wf run hello --dry-run`.
export const meta = {
  name: 'hello',
  description: 'Ask one agent for a one-line greeting.',
  whenToUse: 'To check that wf and a model are set up. args: who to greet, a string (default "world").',
  phases: [{ title: 'Greet', detail: 'one agent writes the greeting' }],
  args: { type: 'string', description: 'Who to greet; omitted means "world"' },
};

const who = typeof args === 'string' && args.trim() !== '' ? args.trim() : 'world';

phase('Greet');
return await agent(`Write a one-line, friendly greeting for ${who}. Reply with the greeting only.`, {
  label: 'greet',
});
