import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createSocatPair, type SocatPair } from '../testing/socatPair';
import { createNodeSerialBackend } from './serialTransport';

let pair: SocatPair | undefined;
afterEach(async () => {
  await pair?.dispose();
  pair = undefined;
});

describe('node serial backend', () => {
  it('reads what the other end of a pty pair writes', async () => {
    pair = await createSocatPair();
    const backend = createNodeSerialBackend();
    const a = await backend.open({ path: pair.a, baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 });
    const b = await backend.open({ path: pair.b, baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 });
    const got = new Promise<string>((resolve) => b.onData((c) => resolve(Buffer.from(c).toString())));
    await a.write('hello\r');
    expect(await got).toBe('hello\r');
    await a.close();
    await b.close();
  });

  it('reports a port whose device path has gone as closed, even when reads show nothing', async () => {
    pair = await createSocatPair();
    const link = await createNodeSerialBackend({ presenceCheckMs: 50 }).open({ path: pair.b, baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 });
    const closed = new Promise<Error | null>((resolve) => link.onClose(resolve));
    // The pty itself is fine; only the path IT configured no longer leads to it.
    rmSync(pair.b);
    expect(String(await closed)).toContain('port went away');
  });

  it('fails to open a path that does not exist, with an error saying so', async () => {
    await expect(createNodeSerialBackend().open({ path: '/nonexistent/tty', baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 })).rejects.toThrow(
      /No such file/,
    );
  });
});
