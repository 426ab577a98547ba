/**
 * One line of the CAS-style ASCII weight protocol (see PROTOCOL.md) -> a reading, or why it
 * is not one. Pure; the bytes come from a frame reader that has already split on LF.
 *
 *     ST,GS,+001.234kg          18-byte form (CR LF included)
 *     US,NT,  -0.015 kg         spaces and a space before the unit are tolerated
 *     ST,GS,1\xC4,+001.234 kg   22-byte form: device number and lamp byte before the weight
 *     OL,GS,--------kg          overload: the weight field says nothing
 */
export interface WeightReading {
  status: 'stable' | 'unstable' | 'overload';
  /** NT: net of a tare set on the scale; GS: gross. */
  net: boolean;
  /** Integer grams (rounded half up from finer readings); null on overload. May be negative. */
  grams: number | null;
}

export type WeightLine = { ok: true; reading: WeightReading } | { ok: false; reason: 'not-a-weight-line' | 'bad-weight' | 'unit-not-metric' };

const STATUS = { ST: 'stable', US: 'unstable', OL: 'overload' } as const;
const WEIGHT = /^([+-]?) *(\d{1,9}(?:\.\d{0,6})?|\.\d{1,6})$/;

function isStatus(s: string): s is keyof typeof STATUS {
  return s === 'ST' || s === 'US' || s === 'OL';
}

export function parseWeightLine(bytes: Uint8Array): WeightLine {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  if (text.endsWith('\r')) text = text.slice(0, -1);
  const status = text.slice(0, 2);
  const mode = text.slice(3, 5);
  if (!isStatus(status) || text[2] !== ',' || (mode !== 'GS' && mode !== 'NT')) return { ok: false, reason: 'not-a-weight-line' };
  let rest = text.slice(5);
  if (rest.startsWith(',')) rest = rest.slice(1);
  // 22-byte form: a device number and a lamp byte (any value), then a comma.
  if (rest.length >= 3 && rest[2] === ',') rest = rest.slice(3);
  const unit = /[, ]*(kg|g|lb|oz)? *$/.exec(rest);
  const unitName = unit?.[1];
  if (unitName === 'lb' || unitName === 'oz') return { ok: false, reason: 'unit-not-metric' };
  const weight = rest.slice(0, unit?.index ?? rest.length).trim();
  const reading = { status: STATUS[status], net: mode === 'NT' };
  if (reading.status === 'overload') return { ok: true, reading: { ...reading, grams: null } };
  if (unitName === undefined) return { ok: false, reason: 'bad-weight' };
  const grams = toGrams(weight, unitName === 'kg' ? 3 : 0);
  return grams === null ? { ok: false, reason: 'bad-weight' } : { ok: true, reading: { ...reading, grams } };
}

/** Decimal text -> integer grams without floating point; `shift` is 3 for kilograms. */
export function toGrams(weight: string, shift: number): number | null {
  const m = WEIGHT.exec(weight);
  if (!m) return null;
  const [whole = '', frac = ''] = (m[2] ?? '').split('.');
  const digits = whole + frac;
  const cut = frac.length - shift;
  let grams: number;
  if (cut <= 0) grams = Number(digits || '0') * 10 ** -cut;
  else grams = Number(digits.slice(0, digits.length - cut) || '0') + ((digits[digits.length - cut] ?? '0') >= '5' ? 1 : 0);
  // Avoid -0: a negative zero reading is zero.
  return m[1] === '-' && grams !== 0 ? -grams : grams;
}

/** The line a scale would send (the simulator; tests). */
export function formatWeightLine(reading: WeightReading): string {
  const status = reading.status === 'stable' ? 'ST' : reading.status === 'unstable' ? 'US' : 'OL';
  const mode = reading.net ? 'NT' : 'GS';
  if (reading.grams === null) return `${status},${mode},--------kg\r\n`;
  const abs = Math.abs(reading.grams);
  const kg = `${Math.floor(abs / 1000)}.${String(abs % 1000).padStart(3, '0')}`;
  return `${status},${mode},${reading.grams < 0 ? '-' : '+'}${kg.padStart(7, '0')}kg\r\n`;
}
