import { describe, expect, test } from 'vitest';
import { errorOf, resultOf, runScript } from '../support/run-script.js';
import { GUARDS } from '../../src/sandbox/child/guards.js';

describe('S: sandbox and determinism', () => {
  test('S1 S08 no host globals: process, fetch, require, timers, Buffer are undefined', async () => {
    const result = await resultOf(`return [typeof process, typeof fetch, typeof require, typeof Bun, typeof Deno, typeof window,
      typeof XMLHttpRequest, typeof setTimeout, typeof Buffer, typeof setInterval,
      globalThis.process === undefined]`);
    expect(result).toEqual(['undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', true]);
  });

  test('S1 S09 constructor chains reach only the isolate: code generation throws, process stays unreachable', async () => {
    const result = await resultOf(`
      const out = [];
      try { out.push((() => {}).constructor("return typeof process")()) } catch (e) { out.push("threw: " + e.message.slice(0, 27)) }
      try { out.push(eval("1 + 1")) } catch (e) { out.push("threw: " + e.message.slice(0, 27)) }
      try { out.push(new Function("return 1")()) } catch (e) { out.push("threw: " + e.message.slice(0, 27)) }
      try { out.push((async () => {}).constructor("return 1")) } catch (e) { out.push("threw") }
      return out`);
    expect(result).toEqual([
      'threw: code generation from string',
      'threw: code generation from string',
      'threw: code generation from string',
      'threw',
    ]);
  });

  test('S10 reading process.env fails the run with a ReferenceError and leaks nothing', async () => {
    const error = await errorOf('return process.env.HOME');
    expect(error.name).toBe('ReferenceError');
    expect(error.message).toBe('process is not defined');
  });

  test('S2 S01 Date.now() throws a catchable error that says it breaks resume and points at args', async () => {
    const message = await resultOf('try { Date.now() } catch (e) { return e.message }');
    expect(message).toMatch(/not available in workflow scripts/);
    expect(message).toMatch(/breaks resume/);
    expect(message).toMatch(/args/);
  });

  test('S2 S02 Math.random() throws; the rest of Math works', async () => {
    const result = await resultOf(`let m; try { Math.random() } catch (e) { m = e.message }
      return [m, Math.max(1,5), Math.floor(2.7), Math.PI > 3, Math.abs(-2), Math.min(3,1)]`);
    expect((result as unknown[])[0]).toMatch(/vary prompts by index/);
    expect((result as unknown[]).slice(1)).toEqual([5, 2, true, 2, 1]);
  });

  test('S2 S03 new Date(), new Date and Date() each throw "not available"', async () => {
    const result = await resultOf(`const out = [];
      for (const f of [() => new Date(), () => new Date, () => Date()]) { try { f(); out.push("ran") } catch (e) { out.push(/not available/.test(e.message)) } }
      return out`);
    expect(result).toEqual([true, true, true]);
  });

  test('S2 S04 Dates built from values, Date.UTC and Date.parse work', async () => {
    const result = await resultOf(`return [new Date(0).toISOString(), new Date("2024-05-01T00:00:00Z").getTime(), Date.UTC(2020,0,1),
      Date.parse("1970-01-01T00:00:01Z"), new Date(2020,0,1).getFullYear(), new Date(0) instanceof Date, new Date(new Date(5).getTime()+1).getTime()]`);
    expect(result).toEqual(['1970-01-01T00:00:00.000Z', 1714521600000, 1577836800000, 1000, 2020, true, 6]);
  });

  test('S2 S05 guards hold inside parallel thunks and their throws become null', async () => {
    expect(await resultOf('return await parallel([() => Math.random(), async () => Date.now(), () => 1])')).toEqual([null, null, 1]);
  });

  test('S2 S06 a script may shadow Date and Math with its own bindings', async () => {
    expect(await resultOf('const Date = { now: () => 5 }; const Math = { random: () => 0.5 }; return [Date.now(), Math.random()]')).toEqual([5, 0.5]);
  });

  test('S2 S07 an uncaught Date.now() fails the run and the error recommends args', async () => {
    const error = await errorOf('return Date.now()');
    expect(error.message).toMatch(/args/);
  });

  test('S2 the guard table holds: each escape route of the clock and of randomness throws', async () => {
    const result = await resultOf(`const probes = {
        ctor: () => new (new Date(0).constructor)(),
        protoNow: () => Object.getPrototypeOf(new Date(0)).constructor.now(),
        intl: () => new Intl.DateTimeFormat().format(),
        intlParts: () => new Intl.DateTimeFormat().formatToParts(),
        reassign: () => { Math.random = () => 1; return Math.random() },
      };
      const out = {};
      for (const [k, f] of Object.entries(probes)) { try { f(); out[k] = "ran" } catch (e) { out[k] = "threw" } }
      out.intlWithDate = new Intl.DateTimeFormat("en", { timeZone: "UTC" }).format(0);
      out.removed = [typeof WeakRef, typeof FinalizationRegistry, typeof SharedArrayBuffer, typeof Atomics, typeof WebAssembly];
      return out`);
    expect(result).toEqual({
      ctor: 'threw',
      protoNow: 'threw',
      intl: 'threw',
      intlParts: 'threw',
      reassign: 'threw',
      intlWithDate: '1/1/1970',
      removed: ['undefined', 'undefined', 'undefined', 'undefined', 'undefined'],
    });
    expect(GUARDS.every((guard) => guard.message.length > 20 && /^S[123]$/.test(guard.rule))).toBe(true);
  });

  test('S2 F23 mentions of Date.now(), Math.random() and new Date() in strings and comments are fine', async () => {
    const result = await resultOf(`// Date.now() in a comment; /* Math.random() */
      const r = await agent("explain Date.now() and Math.random() and new Date()"); return r`);
    expect(result).toBe('done: explain Date.now() and Math.random() and new Date()');
  });

  test('S3 S11 a synchronous infinite loop is stopped by the CPU limit; wf survives and records it', async () => {
    const { summary } = await runScript('while (true) {}', { cpuLimitMs: 300 });
    expect(summary.status).toBe('failed');
    expect(summary.error?.code).toBe('WF_CPU_LIMIT');
    expect(summary.error?.message).toMatch(/CPU time/);
  });

  test('S3 S11 a loop that starts after an await is stopped by the CPU limit', async () => {
    const { summary } = await runScript('await agent("x"); while (true) {}', { cpuLimitMs: 300 });
    expect(summary.status).toBe('failed');
    expect(summary.error?.code).toBe('WF_CPU_LIMIT');
    expect(summary.agentCount).toBe(1);
  });

  test('S3 a run that exceeds its wall-clock limit is stopped with a clear error', async () => {
    const { summary } = await runScript('await agent("slow")', { timeoutMs: 300, rules: [{ match: 'slow', hold: true }] });
    expect(summary.status).toBe('failed');
    expect(summary.error?.code).toBe('WF_TIMEOUT');
    expect(summary.error?.message).toMatch(/wall-clock limit of 300 ms/);
  });

  test('S3 a script that exhausts its heap fails with a heap error and wf survives', async () => {
    const { summary } = await runScript('const a = []; while (true) a.push(new Array(100000).fill(1.5));', { heapLimitMb: 32, cpuLimitMs: 20_000 });
    expect(summary.status).toBe('failed');
    expect(['WF_HEAP_LIMIT', 'WF_SANDBOX_CRASH']).toContain(summary.error?.code);
  });

  test('S4 S14 console.log/info/warn/error go to the run log, like log()', async () => {
    const { summary, logs } = await runScript('console.log("dbg"); console.info("i", 1); console.warn({w:1}); console.error("e"); return 1');
    expect(summary.result).toBe(1);
    expect(logs).toEqual(['dbg', 'i 1', '{"w":1}', 'e']);
  });

  test('S15 the API globals are functions and budget is an object', async () => {
    expect(await resultOf('return [typeof agent, typeof parallel, typeof pipeline, typeof workflow, typeof log, typeof phase, typeof budget]')).toEqual([
      'function', 'function', 'function', 'function', 'function', 'function', 'object',
    ]);
  });

  test('S13 a child workflow gets exactly the same sandbox restrictions', async () => {
    const child = 'export const meta = { name: "child", description: "c" };\nlet ok = false; try { eval("1 + 1") } catch { ok = true }\nlet t = typeof process;\nreturn ok && t === "undefined" ? "child-vm-ok" : "escaped"';
    expect(await resultOf('return await workflow({ scriptPath: "./child.js" })', { files: { 'child.js': child } })).toBe('child-vm-ok');
  });
});
