import { pathToFileURL } from 'node:url';
import { nodeSerialBackend, type SerialLink } from '../serial/serialTransport';
import { formatWeightLine } from './weightLine';

/**
 * A stand-in scale for tests and demos: opens the far end of a serial pair (e.g. a socat pty)
 * and speaks PROTOCOL.md, streaming its weight or answering a command. Goods "placed" on it
 * read unsteady for a given number of readings, then steady: settling without timing.
 */
export interface FakeScaleOptions {
  baudRate?: number;
  /** continuous: a reading every `intervalMs`; request: a reading for each `command` line received. */
  mode: { kind: 'continuous'; intervalMs: number } | { kind: 'request'; command: string };
  /** Send the 22-byte form (device number and lamp byte) instead of the 18-byte one. */
  withDeviceId?: boolean;
  /** Start silent (see silence()): a test can then be sure every line comes after its question. */
  silent?: boolean;
}

export interface FakeScale {
  /** Every line received from the till (request mode), in order. */
  readonly received: string[];
  /** Puts `grams` on the scale; the next `unsteadyReadings` readings are not steady. */
  place(grams: number, unsteadyReadings?: number): void;
  /** More than the scale can weigh (true), or back to normal. */
  overload(on: boolean): void;
  /** Stops sending anything (a scale switched to another mode, or a stuck one). */
  silence(on: boolean): void;
  close(): Promise<void>;
}

export async function startFakeScale(path: string, options: FakeScaleOptions): Promise<FakeScale> {
  const link: SerialLink = await nodeSerialBackend.open({ path, baudRate: options.baudRate ?? 9600, dataBits: 8, parity: 'none', stopBits: 1 });
  const received: string[] = [];
  let grams = 0;
  let unsteady = 0;
  let overloaded = false;
  let silent = options.silent ?? false;

  const nextLine = (): string => {
    let line: string;
    if (overloaded) line = formatWeightLine({ status: 'overload', net: false, grams: null });
    else if (unsteady > 0) {
      unsteady--;
      // Unsteady readings wobble around the weight, as real goods settling on a platter do.
      line = formatWeightLine({ status: 'unstable', net: false, grams: grams + (unsteady % 2 === 0 ? 3 : -2) * (unsteady + 1) });
    } else line = formatWeightLine({ status: 'stable', net: false, grams });
    // 22-byte form: device number "1" and a lamp byte with bit 7 set, before the weight.
    return options.withDeviceId ? line.slice(0, 6) + '1\xc4,' + line.slice(6, -4) + ' kg\r\n' : line;
  };
  const send = () => {
    if (!silent) link.write(Buffer.from(nextLine(), 'latin1')).catch(() => undefined);
  };

  let timer: ReturnType<typeof setInterval> | undefined;
  const mode = options.mode;
  if (mode.kind === 'continuous') timer = setInterval(send, mode.intervalMs);
  else {
    let buffer = '';
    link.onData((chunk) => {
      buffer += Buffer.from(chunk).toString('latin1');
      let end: number;
      while ((end = buffer.search(/[\r\n]/)) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        if (line === '') continue;
        received.push(line);
        if (line === mode.command) send();
      }
    });
  }

  return {
    received,
    place(g, unsteadyReadings = 0) {
      grams = g;
      unsteady = unsteadyReadings;
    },
    overload(on) {
      overloaded = on;
    },
    silence(on) {
      silent = on;
    },
    async close() {
      if (timer !== undefined) clearInterval(timer);
      await link.close();
    },
  };
}

// Run by hand against a socat pty (e.g. for a demo till):
//   npx tsx drivers/scale/fakeScale.ts /tmp/pty-a 1234
// streams a steady 1.234 kg, five readings a second; type a number of grams and Enter to
// place other goods (they settle after a few readings), "ol" for an overload.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const path = process.argv[2];
  if (!path) {
    console.error('usage: fakeScale.ts <serial path> [grams]');
    process.exitCode = 2;
  } else {
    startFakeScale(path, { mode: { kind: 'continuous', intervalMs: 200 } }).then(
      (scale) => {
        scale.place(Number(process.argv[3] ?? 0));
        console.log(`fake scale streaming on ${path}`);
        process.stdin.setEncoding('utf8');
        process.stdin.on('data', (text: string) => {
          const t = text.trim();
          scale.overload(t === 'ol');
          if (/^-?\d+$/.test(t)) scale.place(Number(t), 4);
        });
      },
      (err: unknown) => {
        console.error(err);
        process.exitCode = 1;
      },
    );
  }
}
