import { z } from 'zod';

/** A gift certificate as the server answers a till (GET /api/v1/certificates/:code and its moves). */
export const CertificateView = z.object({
  code: z.string(),
  nominalKopecks: z.number().int(),
  balanceKopecks: z.number().int(),
  state: z.enum(['issued', 'active', 'void']),
  expiresAt: z.string().nullable(),
});
export type CertificateView = z.infer<typeof CertificateView>;
