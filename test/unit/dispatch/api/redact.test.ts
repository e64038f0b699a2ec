import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../../../src/dispatch/redact.js';

describe('redactSecrets', () => {
  it('replaces every occurrence of a known secret', () => {
    const secret = 'my-custom-secret-token-42';
    expect(redactSecrets(`key ${secret} and again ${secret}.`, [secret])).toBe('key [redacted] and again [redacted].');
  });

  it('replaces common key shapes even when the secret is not known', () => {
    expect(redactSecrets('Incorrect API key provided: sk-proj-abcDEF1234567890xyz.')).toBe('Incorrect API key provided: [redacted].');
    expect(redactSecrets('invalid x-api-key sk-ant-api03-AbCdEf123456_-xyz')).toBe('invalid x-api-key [redacted]');
    expect(redactSecrets('masked sk-abc1***************wxyz here')).toBe('masked [redacted] here');
    expect(redactSecrets('Authorization: Bearer eyJhbGciOi.JIUzI1NiJ9.abc')).toBe('Authorization: Bearer [redacted]');
    expect(redactSecrets('key=AIzaSyA1234567890abcdefghijklmnopqrstu')).toBe('key=[redacted]');
  });

  it('leaves ordinary text alone and ignores dummy keys too short to be secrets', () => {
    const text = 'ollama: rate limited (429); the task-list has sk- in it but no key';
    expect(redactSecrets(text, ['ollama', undefined, ''])).toBe(text);
  });

  it('replaces a longer secret whole before a shorter one it contains', () => {
    expect(redactSecrets('token abcdefgh12345678', ['abcdefgh', 'abcdefgh12345678'])).toBe('token [redacted]');
  });
});
