import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { checkUrlHost, classifyAddress, guardedLookup, isAllowedHost } from '../../../../src/dispatch/tools/ssrf.js';
import { DEFAULT_WEB_POLICY, ToolError } from '../../../../src/dispatch/tools/tool.js';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local (incl. cloud metadata)'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fe80::1%eth0', 'link-local'],
    ['fd12:3456::1', 'unique local (private)'],
    ['fc00::1', 'unique local (private)'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local (incl. cloud metadata)'],
    ['::ffff:10.1.2.3', 'private'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:7f00:1::', 'loopback (6to4)'],
  ])('%s is %s', (address, reason) => {
    expect(classifyAddress(address)).toBe(reason);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '2001:db8::1'])('%s is public', (address) => {
    expect(classifyAddress(address)).toBeUndefined();
  });
});

describe('checkUrlHost', () => {
  const policy = { ...DEFAULT_WEB_POLICY };
  it('refuses private IP literals, lets names and public literals through to the lookup', () => {
    expect(() => checkUrlHost(new URL('http://127.0.0.1/'), policy)).toThrow(ToolError);
    expect(() => checkUrlHost(new URL('http://[::ffff:127.0.0.1]/'), policy)).toThrow(/loopback/);
    expect(() => checkUrlHost(new URL('http://2130706433/'), policy)).toThrow(/loopback/); // decimal 127.0.0.1
    expect(() => checkUrlHost(new URL('http://example.com/'), policy)).not.toThrow();
    expect(() => checkUrlHost(new URL('http://8.8.8.8/'), policy)).not.toThrow();
  });

  it('honours allowPrivate and allowHosts', () => {
    expect(() => checkUrlHost(new URL('http://127.0.0.1/'), { ...policy, allowPrivate: true })).not.toThrow();
    expect(() => checkUrlHost(new URL('http://127.0.0.1/'), { ...policy, allowHosts: ['127.0.0.1'] })).not.toThrow();
    expect(isAllowedHost('[::1]', { ...policy, allowHosts: ['::1'] })).toBe(true);
    expect(isAllowedHost('Intranet.Example.', { ...policy, allowHosts: ['intranet.example'] })).toBe(true);
  });
});

describe('guardedLookup', () => {
  const fakeResolve = (answers: LookupAddress[]) =>
    ((_host: string, _options: unknown, callback: (error: Error | null, addresses: LookupAddress[]) => void) => callback(null, answers)) as never;

  const lookupWith = (answers: LookupAddress[], policy = DEFAULT_WEB_POLICY, all = false) =>
    new Promise<unknown>((resolve, reject) =>
      guardedLookup(policy, fakeResolve(answers))('svc.example', { all }, (error, address, family) => (error ? reject(error) : resolve(all ? address : { address, family }))),
    );

  it('passes public answers through, in both callback shapes', async () => {
    expect(await lookupWith([{ address: '93.184.216.34', family: 4 }])).toEqual({ address: '93.184.216.34', family: 4 });
    expect(await lookupWith([{ address: '93.184.216.34', family: 4 }, { address: '2606:2800::1', family: 6 }], DEFAULT_WEB_POLICY, true)).toHaveLength(2);
  });

  it('refuses when any answer is private (no mixing public and private)', async () => {
    await expect(lookupWith([{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.5', family: 4 }])).rejects.toThrow(/resolves to 10\.0\.0\.5, a private address/);
  });

  it('lets an allowed host resolve to a private address', async () => {
    expect(await lookupWith([{ address: '10.0.0.5', family: 4 }], { ...DEFAULT_WEB_POLICY, allowHosts: ['svc.example'] })).toEqual({ address: '10.0.0.5', family: 4 });
  });
});
