import { argon2id as ARGON2ID, hash } from 'argon2';
import { useArgon2id, type Argon2idFunction } from './lookupKey';

/**
 * Node only (the server, the till host, tests): never imported by the renderer. The native
 * Argon2 (the reference's optimised code) runs on libuv's thread pool, faster than the
 * WebAssembly build and as fast as an attacker's: the lookup-key cost is set for it.
 */
export const nativeArgon2id: Argon2idFunction = async (i) =>
  new Uint8Array(
    await hash(Buffer.from(i.password), {
      type: ARGON2ID,
      salt: Buffer.from(i.salt),
      secret: Buffer.from(i.secret),
      memoryCost: i.memoryKiB,
      timeCost: i.iterations,
      parallelism: 1,
      hashLength: i.hashLength,
      raw: true,
    }),
  );

/** Make every lookup key this process computes with the native Argon2id. */
export function useNativeArgon2(): void {
  useArgon2id(nativeArgon2id);
}
