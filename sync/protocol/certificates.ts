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

/**
 * An electronic certificate sold to a phone (POST /api/v1/certificates/electronic): the server
 * issues its code now and keeps the phone only until the sale's push activates it and the code
 * goes by SMS. The till sends the phone here and keeps it nowhere.
 */
export const ElectronicCertificateRequest = z.object({
  nominalKopecks: z.number().int().min(100).max(100_000_000),
  phone: z.string().regex(/^\+[1-9]\d{6,14}$/),
});
export type ElectronicCertificateRequest = z.infer<typeof ElectronicCertificateRequest>;
