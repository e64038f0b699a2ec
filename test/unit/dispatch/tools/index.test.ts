import { describe, expect, it } from 'vitest';
import { WfError } from '../../../../src/errors.js';
import { BUILTIN_TOOLS, DEFAULT_TOOL_NAMES, toolDigest, toolsByName } from '../../../../src/dispatch/tools/index.js';

describe('tool registry', () => {
  it('has the six built-in tools under their own names, all in the default set', () => {
    expect(Object.keys(BUILTIN_TOOLS).sort()).toEqual(['glob', 'grep', 'list_dir', 'read_file', 'web_fetch', 'web_search']);
    for (const [name, tool] of Object.entries(BUILTIN_TOOLS)) {
      expect(tool.name).toBe(name);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.description.length).toBeGreaterThan(20);
    }
    expect([...DEFAULT_TOOL_NAMES].sort()).toEqual(Object.keys(BUILTIN_TOOLS).sort());
    expect(BUILTIN_TOOLS.read_file!.readsWorkspace).toBe(true);
    expect(BUILTIN_TOOLS.web_fetch!.readsWorkspace).toBe(false);
  });

  it('toolsByName keeps order, drops repeats, and rejects unknown names with WF_CONFIG', () => {
    expect(toolsByName(['grep', 'read_file', 'grep']).map((tool) => tool.name)).toEqual(['grep', 'read_file']);
    expect(toolsByName([])).toEqual([]);
    for (const bad of ['bash', 'toString', '__proto__']) {
      try {
        toolsByName(['read_file', bad]);
        expect.unreachable();
      } catch (error) {
        expect(WfError.isInstance(error)).toBe(true);
        expect((error as WfError).code).toBe('WF_CONFIG');
        expect((error as Error).message).toContain(bad);
        expect((error as Error).message).toContain('read_file, list_dir, glob, grep, web_fetch, web_search');
      }
    }
  });

  it('toolDigest is a stable sha256 that changes with the description, schema or version', () => {
    const tool = BUILTIN_TOOLS.grep!;
    const digest = toolDigest(tool);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(toolDigest({ ...tool })).toBe(digest);
    expect(toolDigest({ ...tool, version: tool.version + 1 })).not.toBe(digest);
    expect(toolDigest({ ...tool, description: `${tool.description}!` })).not.toBe(digest);
    expect(toolDigest({ ...tool, inputSchema: { ...tool.inputSchema, required: [] } })).not.toBe(digest);
    expect(new Set(Object.values(BUILTIN_TOOLS).map(toolDigest)).size).toBe(6);
  });
});
