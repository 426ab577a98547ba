import { z } from 'zod';

/**
 * What a till says of itself on its heartbeat (`POST /api/v1/heartbeat`, after each pull round,
 * about every 30 s while the server answers): head office's tills list shows it with when it
 * was last heard from. Counts only; never an event or a customer.
 */
export const TillReport = z.strictObject({
  /** The till's app version (package.json of the build it runs), e.g. "1.4.0" or "1.4.0-rc.1+abc". */
  appVersion: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .regex(/^[0-9A-Za-z][0-9A-Za-z.+_-]*$/, 'not a version'),
  /** Events in the outbox the server has not acknowledged yet. */
  unsent: z.number().int().min(0).max(10_000_000),
  /** Events the server refused, kept at the till for a person to look at. */
  refused: z.number().int().min(0).max(10_000_000),
});
export type TillReport = z.infer<typeof TillReport>;

export const TillReportAnswer = z.object({ reportedAt: z.string() });
export type TillReportAnswer = z.infer<typeof TillReportAnswer>;
