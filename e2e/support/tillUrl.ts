/** The host's open address with query parameters added before the `#session=` fragment. */
export function withQuery(openUrl: string, params: Record<string, string>): string {
  const url = new URL(openUrl);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}
