// A TypeScript workflow. wf strips the types before running it and never checks them, so they are
// for your editor (see docs/authoring.md#editor-support). It uses the module form (spec F7):
// TypeScript's checker rejects a top-level `return` (TS1108), which wf itself would accept.
export const meta: WorkflowMeta = {
  name: 'review-pipeline',
  description: 'Review files one by one: list possible bugs, keep the real ones, then rate each file.',
  whenToUse: 'To review a handful of files. args: { files: string[] }, paths relative to the current directory.',
  phases: [
    { title: 'Find', detail: 'one agent per file lists possible bugs' },
    { title: 'Check', detail: 'one agent per file keeps the real ones' },
    { title: 'Rate', detail: 'one agent per file gives a verdict' },
  ],
  args: {
    type: 'object',
    properties: {
      files: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, description: 'Files to review' },
    },
    required: ['files'],
    additionalProperties: false,
  },
};

interface ReviewArgs {
  files: string[];
}
interface Issue {
  line: number;
  severity: 'low' | 'medium' | 'high';
  problem: string;
}
interface Findings {
  issues: Issue[];
}
interface Rating {
  verdict: 'ok' | 'needs-work' | 'broken';
  reason: string;
}
interface FileReview extends Rating {
  file: string;
  issues: Issue[];
}

export default async function run(args: ReviewArgs | undefined): Promise<FileReview[]> {
  const files = args?.files ?? [];
  if (files.length === 0) {
    log('nothing to review: pass --args \'{"files":["src/a.ts"]}\'');
    return [];
  }

  const findings: AgentSchema = {
    type: 'object',
    properties: {
      issues: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            line: { type: 'integer', minimum: 1, description: '1-based line number' },
            severity: { enum: ['low', 'medium', 'high'] },
            problem: { type: 'string', minLength: 1 },
          },
          required: ['line', 'severity', 'problem'],
          additionalProperties: false,
        },
      },
    },
    required: ['issues'],
    additionalProperties: false,
  };
  const rating: AgentSchema = {
    type: 'object',
    properties: {
      verdict: { enum: ['ok', 'needs-work', 'broken'] },
      reason: { type: 'string', minLength: 1, description: 'One sentence' },
    },
    required: ['verdict', 'reason'],
    additionalProperties: false,
  };

  // No barrier between stages: a small file can be rated while a big one is still being read.
  const reviews = await pipeline(
    files,
    (file) =>
      agent<Findings>(`List the possible bugs in ${file}. Include anything suspicious.`, {
        label: `find:${file}`,
        phase: 'Find',
        schema: findings,
        reads: { files: [file] },
      }),
    (found, file) =>
      found &&
      agent<Findings>(
        `Someone listed these possible bugs in ${file}:\n${JSON.stringify(found.issues, null, 2)}\n` +
          'Read the file and keep only the issues that are real.',
        { label: `check:${file}`, phase: 'Check', schema: findings, reads: { files: [file] } },
      ),
    async (checked, file): Promise<FileReview | null> => {
      if (checked === null) return null;
      const rated = await agent<Rating>(
        `Rate ${file} given these confirmed issues:\n${JSON.stringify(checked.issues, null, 2)}`,
        { label: `rate:${file}`, phase: 'Rate', schema: rating, effort: 'low' },
      );
      return rated && { file, issues: checked.issues, ...rated };
    },
  );

  const done = reviews.filter((review): review is FileReview => review !== null);
  if (done.length < files.length) log(`${files.length - done.length} of ${files.length} files could not be reviewed`);
  return done;
}
