/** `loyalty-till-logs-<terminal>-<YYYY-MM-DD>.txt`, the terminal's name made safe for any file system. */
export function logFileName(terminalName: string | null, at: Date): string {
  const safe = (terminalName ?? '')
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  return `loyalty-till-logs-${safe || 'till'}-${date}.txt`;
}

/** Offer text as a file download: a Blob behind a temporary link with the `download` attribute. */
export function downloadText(fileName: string, text: string, doc: Document = document): void {
  const blob = new Blob([text], { type: 'text/plain;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = doc.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  doc.body.appendChild(a);
  try {
    a.click();
  } finally {
    a.remove();
    // Let the browser start the download before the URL goes away.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
