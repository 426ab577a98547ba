import type { Clock } from '../clock';
import { FrameReader } from '../serial/frameReader';
import { NoiseCounter } from '../serial/noiseCounter';
import { parseWeightLine, type WeightReading } from './weightLine';

/**
 * The bytes of a scale -> weight readings: lines ended by LF (CR LF in practice), each parsed
 * as a weight line. Anything else (wrong baud rate, a line cut by a pause) is counted as noise;
 * a scale streaming on the wrong settings would otherwise report ten bad lines a second.
 */
export interface WeightLineHandlers {
  reading(reading: WeightReading): void;
  diagnostic(code: string, message: string): void;
}

/** The longest line accepted: the 22-byte form with room to spare. */
export const MAX_WEIGHT_LINE = 64;

export class WeightLineReader {
  private readonly reader: FrameReader;
  private readonly noise: NoiseCounter;

  constructor(clock: Clock, handlers: WeightLineHandlers) {
    this.noise = new NoiseCounter(clock, 1_000, (message) => handlers.diagnostic('noise', message), 'line');
    // No resynchronisation: the tail of a cut line does not parse as a weight line anyway.
    this.reader = new FrameReader({ suffix: 'LF', maxFrameLength: MAX_WEIGHT_LINE, interByteTimeoutMs: 200 }, clock, {
      onFrame: (bytes) => {
        const line = parseWeightLine(bytes);
        if (line.ok) handlers.reading(line.reading);
        else this.noise.add(line.reason);
      },
      onDropped: (code) => this.noise.add(code),
    });
  }

  push(chunk: Uint8Array): void {
    this.reader.push(chunk);
  }

  dispose(): void {
    this.reader.dispose();
    this.noise.dispose();
  }
}
