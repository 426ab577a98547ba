import { z } from 'zod';
import { LIFECYCLE } from '../../core/loyalty/segments';

/**
 * The segments job as head office reads it: customers per lifecycle segment, per segment and
 * store of their last purchase (null: no purchase yet), and per RFM score, as the job last
 * computed them; and what a run on demand did.
 */
const Count = z.number().int().min(0);
/** Customers with score 1..5 (index 0 is score 1). */
const ScoreCounts = z.array(Count).length(5);

export const SegmentCounts = z.object({
  /** When the job last computed the chain's customers; null: never. */
  computedAt: z.string().nullable(),
  bySegment: z.array(z.object({ lifecycle: z.enum(LIFECYCLE), customers: Count })),
  byStore: z.array(z.object({ storeId: z.number().int().nullable(), lifecycle: z.enum(LIFECYCLE), customers: Count })),
  rfm: z.object({ r: ScoreCounts, f: ScoreCounts, m: ScoreCounts }),
});
export type SegmentCounts = z.infer<typeof SegmentCounts>;

export const SegmentsRun = z.object({ customers: Count, changed: Count });
export type SegmentsRun = z.infer<typeof SegmentsRun>;
