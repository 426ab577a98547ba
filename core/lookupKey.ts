import { argon2id as wasmArgon2id } from 'hash-wasm';

/**
 * Keys that let a till find a customer by phone or bank card without storing either.
 *
 * A stolen till holds the keys of every customer and the secret they were made with, so what
 * protects the phones is the cost of one key: Argon2id, memory-hard, keyed with the chain's
 * secret. An attacker runs it once per candidate number (10^10 for the RU mobile space); the
 * till runs it once per typed phone or card read. Costs and the measured brute-force price are
 * in docs/security.md.
 *
 * The function is the same everywhere (Argon2id is a standard: the native and WebAssembly
 * implementations give the same bytes); Node processes install the native one
 * (core/argon2Native.ts), which is as fast as an attacker's, so the till can afford the cost.
 */
export interface KeyCost {
  /** Argon2 memory in KiB (m). */
  memoryKiB: number;
  /** Argon2 passes (t). */
  iterations: number;
}

/**
 * A chain's phone-key secret of one version, with its cost. A rotation makes a new version;
 * tills hold the current one and, until the server has re-keyed every customer, the previous.
 */
export interface PhoneSecret extends KeyCost {
  version: number;
  secret: string;
}

/**
 * The production cost: 16 MiB, three passes. Native Argon2id takes ~32 ms of CPU for it on one
 * core of the test machine, so an attacker's 10^10 guesses cost ~10 core-years (docs/security.md).
 * Three passes over 16 MiB rather than one over 48: the same memory traffic per hash (what a GPU
 * is limited by), and it stays under glibc's 32 MiB mmap threshold, above which every hash pays
 * for fresh pages (measured: 48 MiB in one pass took 210 ms of CPU, 90 of them in the kernel).
 */
export const LOOKUP_KEY_COST: KeyCost = { memoryKiB: 16 * 1024, iterations: 3 };

/** Bank-card keys cannot be re-made at the server (it never sees a PAN): their cost is fixed. */
export const BANK_KEY_COST: KeyCost = LOOKUP_KEY_COST;

export interface Argon2idInput {
  password: Uint8Array;
  salt: Uint8Array;
  secret: Uint8Array;
  memoryKiB: number;
  iterations: number;
  hashLength: number;
}
export type Argon2idFunction = (input: Argon2idInput) => Promise<Uint8Array>;

const wasm: Argon2idFunction = (i) =>
  wasmArgon2id({
    password: i.password,
    salt: i.salt,
    secret: i.secret,
    memorySize: i.memoryKiB,
    iterations: i.iterations,
    parallelism: 1,
    hashLength: i.hashLength,
    outputType: 'binary',
  });

let argon2id: Argon2idFunction = wasm;

/** Use another implementation of the same function (Node processes: the native one). */
export function useArgon2id(fn: Argon2idFunction): void {
  argon2id = fn;
}

/** Argon2id by the implementation in use (native in Node processes, WebAssembly in the page): PIN hashes use it too. */
export function runArgon2id(input: Argon2idInput): Promise<Uint8Array> {
  return argon2id(input);
}

/** The WebAssembly implementation, whichever is in use (tests compare the two). */
export const wasmArgon2 = wasm;

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function keyed(secret: string, label: string, value: string, cost: KeyCost): Promise<string> {
  const out = await argon2id({
    password: encoder.encode(value),
    // The salt separates the kinds (a phone and a PAN never share a key); the chain's secret
    // is Argon2's own secret input, so keys made with another chain's secret never match.
    salt: encoder.encode(`loyalty-till:${label}`),
    secret: encoder.encode(secret),
    memoryKiB: cost.memoryKiB,
    iterations: cost.iterations,
    // 128 bits is plenty to avoid collisions among a chain's customers and keeps the index small.
    hashLength: 16,
  });
  return base64url(out);
}

/** Lookup key for a phone already normalised to E.164, under one version of the chain's phone secret. */
export function phoneLookupKey(secret: PhoneSecret, e164: string): Promise<string> {
  return keyed(secret.secret, 'phone', e164, secret);
}

/** Lookup key for a bank card PAN. Call only inside a driver; the PAN must go no further. */
export function bankCardLookupKey(secret: string, pan: string, cost: KeyCost = BANK_KEY_COST): Promise<string> {
  return keyed(secret, 'pan', pan, cost);
}

/** A phone's keys under each of the given secret versions, in their order (newest first). */
export async function phoneLookupKeys(secrets: readonly PhoneSecret[], e164: string): Promise<string[]> {
  const keys: string[] = [];
  for (const s of secrets) keys.push(await phoneLookupKey(s, e164));
  return keys;
}
