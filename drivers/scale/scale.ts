/** What the till asks of any scale, whatever its protocol. Weights are integer grams. */
export type WeighResult =
  /**
   * A weight. `stable` is always true unless the caller asked for `requireStable: false`
   * (a live display). `grams` <= 0 means nothing is on the scale, or it needs zeroing: the
   * till refuses such a weight rather than selling it.
   */
  | { ok: true; grams: number; stable: boolean }
  /**
   * unstable: readings came, none steady within the wait (goods still moving); overload: more
   * than the scale can weigh; offline: no scale connected; timeout: a connected scale said nothing.
   */
  | { ok: false; code: 'unstable' | 'overload' | 'offline' | 'timeout' };

export interface WeighOptions {
  /** Default true: wait for a steady reading. False: the first reading, steady or not. */
  requireStable?: boolean;
}

export interface Scale {
  weigh(options?: WeighOptions): Promise<WeighResult>;
}
