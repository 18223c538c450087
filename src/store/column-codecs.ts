/**
 * How domain values that SQL lacks a portable type for are encoded in columns: booleans as
 * 0/1 integers (SQLite has no boolean), structured values as JSON text (SQLite has no json
 * type, and text reads back identically on both engines).
 */
import type { BooleanColumn } from './database-schema.js';

export const toFlag = (value: boolean): BooleanColumn => (value ? 1 : 0);
export const fromFlag = (value: number): boolean => value !== 0;

export const toJsonOrNull = (value: unknown): string | null => (value === null ? null : JSON.stringify(value));

/** Stored JSON was written by the row mappers, so it is trusted to have the domain shape. */
export const fromJsonOrNull = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));
