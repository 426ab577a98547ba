/**
 * Fetch bytes [start, end) of a snapshot file with a Range request (If-Range: the file's
 * ETag). A connection cut part-way answers the bytes that did arrive, `cut` set: the caller
 * keeps the whole pages among them and asks again from there. Kept apart from the loader so
 * the till host (Node) can fetch for the page without loading the page's database code.
 */
export type SnapshotFetcher = (path: string, start: number, end: number) => Promise<SnapshotRange>;

export type SnapshotRange = { ok: true; bytes: Uint8Array; cut?: boolean } | { ok: false; offline: boolean; status: number; message: string };

/**
 * A fetcher over HTTP(S) with the terminal's credential: reads the body as it streams, so a cut
 * connection still yields the bytes that arrived. For hosts that can reach the server directly.
 */
const RANGE_TIMEOUT_MS = 120_000;

export function httpSnapshotFetcher(baseUrl: string, headers: Record<string, string>, doFetch: typeof fetch = fetch): SnapshotFetcher {
  return async (path, start, end) => {
    let res: Response;
    try {
      res = await doFetch(`${baseUrl}${path}`, {
        headers: { ...headers, range: `bytes=${start}-${end - 1}` },
        // A stalled server ends the request; the bytes that arrived are kept as a cut.
        signal: AbortSignal.timeout(RANGE_TIMEOUT_MS),
      });
    } catch (e) {
      return { ok: false, offline: true, status: 0, message: e instanceof Error ? e.message : String(e) };
    }
    if (res.status !== 206 && res.status !== 200)
      return { ok: false, offline: res.status >= 502, status: res.status, message: `The server answered ${res.status}` };
    const chunks: Uint8Array[] = [];
    let got = 0;
    let cut = false;
    try {
      const reader = res.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        got += value.length;
      }
    } catch {
      cut = true;
    }
    const all = new Uint8Array(got);
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.length;
    }
    // A 200 is the whole file: keep only the range asked for.
    const bytes = res.status === 200 ? all.subarray(start, end) : all;
    return { ok: true, bytes, cut: cut || bytes.length < end - start };
  };
}
