/**
 * Node flags the server runs best with, for whoever starts it (the demo launcher, the benches,
 * a systemd unit: `node --max-semi-space-size=64 dist/node/server.mjs`). A push allocates a
 * few kilobytes per sale (its JSON, the re-priced receipt, the SQL it writes), and with V8's
 * default young generation a busy server spent 12-16 % of its CPU collecting it; 64 MB
 * semi-spaces took that to 8-9 % (docs/scaling.md). They only apply when the process starts.
 */
export const SEMI_SPACE_MB = 64;

export const SERVER_NODE_FLAGS: readonly string[] = [`--max-semi-space-size=${SEMI_SPACE_MB}`];

/** The same young generation for a server in a worker thread (V8 sizes it as three semi-spaces). */
export const WORKER_YOUNG_GENERATION_MB = 3 * SEMI_SPACE_MB;
