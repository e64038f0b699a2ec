/**
 * Minimal input checks shared by the tools. The dispatcher validates the model's input against
 * each tool's JSON Schema, but a tool can also be called directly (tests, other dispatchers), and
 * a wrong type must come back to the model as a clear {@link ToolError}, never as a crash deep in
 * `fs` or `http`.
 */
import { ToolError } from './tool.js';

/** A required, non-empty string. */
export function requiredString(input: Record<string, unknown>, key: string, options: { maxLength?: number } = {}): string {
  const value = input[key];
  if (value === undefined || value === null) throw new ToolError(`${key} is required`);
  if (typeof value !== 'string') throw new ToolError(`${key} must be a string, got ${typeName(value)}`);
  if (value.trim() === '') throw new ToolError(`${key} must not be empty`);
  checkLength(key, value, options.maxLength);
  return value;
}

/** An optional string; `fallback` when absent (null counts as absent: some models send it). */
export function optionalString(input: Record<string, unknown>, key: string, fallback: string, options?: { maxLength?: number }): string;
export function optionalString(input: Record<string, unknown>, key: string, fallback?: undefined, options?: { maxLength?: number }): string | undefined;
export function optionalString(input: Record<string, unknown>, key: string, fallback?: string, options: { maxLength?: number } = {}): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') throw new ToolError(`${key} must be a string, got ${typeName(value)}`);
  checkLength(key, value, options.maxLength);
  return value;
}

/** An optional integer in `[min, max]`; `fallback` when absent. */
export function optionalInteger(input: Record<string, unknown>, key: string, range: { min: number; max?: number; fallback: number }): number {
  const value = input[key];
  if (value === undefined || value === null) return range.fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new ToolError(`${key} must be an integer, got ${describe(value)}`);
  if (value < range.min || (range.max !== undefined && value > range.max)) {
    const allowed = range.max === undefined ? `at least ${range.min}` : `between ${range.min} and ${range.max}`;
    throw new ToolError(`${key} must be ${allowed}, got ${value}`);
  }
  return value;
}

/** An optional boolean; `fallback` when absent. */
export function optionalBoolean(input: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const value = input[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw new ToolError(`${key} must be true or false, got ${describe(value)}`);
  return value;
}

/** An optional string from a fixed set; `fallback` when absent. */
export function optionalChoice<T extends string>(input: Record<string, unknown>, key: string, choices: readonly T[], fallback: T): T {
  const value = input[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new ToolError(`${key} must be one of ${choices.map((choice) => JSON.stringify(choice)).join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

function checkLength(key: string, value: string, maxLength: number | undefined): void {
  if (maxLength !== undefined && value.length > maxLength) throw new ToolError(`${key} is too long (${value.length} characters, at most ${maxLength})`);
}

function typeName(value: unknown): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeName(value);
}
