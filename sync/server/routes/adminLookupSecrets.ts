import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LOOKUP_KEY_COST } from '../../../core/lookupKey';
import { HttpError } from '../httpError';
import { addPhoneSecret, phoneSecrets } from '../lookupSecrets';
import type { RouteDeps } from './deps';

const ChainParams = z.object({ chainId: z.coerce.number().int().positive().max(2_147_483_647) });
const RotateBody = z
  .object({
    memoryKiB: z
      .number()
      .int()
      .min(8)
      .max(1024 * 1024)
      .default(LOOKUP_KEY_COST.memoryKiB),
    iterations: z.number().int().min(1).max(10).default(LOOKUP_KEY_COST.iterations),
  })
  .strict();

/**
 * Head office: rotate a chain's phone-key secret, and follow the re-keying. The secrets
 * themselves are never answered: only versions, costs and progress.
 */
export function adminLookupSecretRoutes(app: FastifyInstance, { db, guards }: RouteDeps): void {
  const admin = { preHandler: guards.requireAdmin };

  async function progress(chainId: number) {
    const secrets = await phoneSecrets(db, chainId);
    if (secrets.length === 0) throw new HttpError(404, 'chain_not_found', 'No chain with this id (or it has no phone-key secret).');
    const current = secrets[0]!;
    const [row] = await db.query<{ left: number }>(
      'SELECT count(*)::int AS left FROM customers WHERE chain_id = $1 AND phone_key_version < $2 AND phone_e164 IS NOT NULL',
      [chainId, current.version],
    );
    return {
      current: { version: current.version, memoryKiB: current.memoryKiB, iterations: current.iterations },
      // Versions tills still hash with, until every customer has a key of the current one.
      older: secrets.slice(1).map((s) => s.version),
      customersToRekey: Number(row?.left ?? 0),
    };
  }

  app.get('/api/v1/admin/chains/:chainId/phone-secrets', admin, async (req) => progress(ChainParams.parse(req.params).chainId));

  app.post('/api/v1/admin/chains/:chainId/phone-secrets/rotate', admin, async (req) => {
    const { chainId } = ChainParams.parse(req.params);
    const cost = RotateBody.parse(req.body ?? {});
    const [chain] = await db.query('SELECT id FROM chains WHERE id = $1', [chainId]);
    if (!chain) throw new HttpError(404, 'chain_not_found', 'No chain with this id.');
    await addPhoneSecret(db, chainId, cost);
    return progress(chainId);
  });
}
