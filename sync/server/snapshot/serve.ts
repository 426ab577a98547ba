import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database';
import { localSnapshotFile, readRange, snapshotByHash } from './store';

/** One byte range of a file of `size` bytes from a Range header: inclusive bounds, 'none' (whole file) or 'unsatisfiable'. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'none' | 'unsatisfiable' {
  if (!header) return 'none';
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges, or another unit: answer the whole file, as RFC 9110 allows.
  if (!m || (m[1] === '' && m[2] === '')) return 'none';
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

const NAME = /^customers-(\d+)-([a-p]{64})\.snap$/;

/**
 * Serve a snapshot as an immutable static file of this terminal's chain: strong ETag (the
 * content hash), If-None-Match, Range with If-Range, so a till resumes a cut download.
 */
export async function serveSnapshot(db: Database, chainId: number, name: string, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const m = NAME.exec(name);
  const s = m && Number(m[1]) === chainId ? await snapshotByHash(db, m[2]!) : null;
  if (!s || s.chainId !== chainId) return reply.code(404).send({ code: 'snapshot_not_found', message: 'No such snapshot; ask for the current one.' });
  const etag = `"${s.hash}"`;
  reply.header('etag', etag).header('accept-ranges', 'bytes').header('cache-control', 'private, max-age=31536000, immutable');
  if (req.headers['if-none-match'] === etag) return reply.code(304).send();
  const path = await localSnapshotFile(db, s);
  const ifRange = req.headers['if-range'];
  const range = ifRange !== undefined && ifRange !== etag ? 'none' : parseRange(req.headers.range, s.bytes);
  if (range === 'unsatisfiable') return reply.code(416).header('content-range', `bytes */${s.bytes}`).send();
  const { start, end } = range === 'none' ? { start: 0, end: s.bytes - 1 } : range;
  reply
    .code(range === 'none' ? 200 : 206)
    .header('content-type', 'application/octet-stream')
    .header('content-length', String(end - start + 1));
  if (range !== 'none') reply.header('content-range', `bytes ${start}-${end}/${s.bytes}`);
  return reply.send(readRange(path, start, end));
}
