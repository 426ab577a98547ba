import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { ATOL_ERROR } from '../fiscal/atolErrors';
import { AtolRequestEnvelope, AtolTask, type SubtaskStatus } from '../fiscal/atolWebSchemas';
import { SimFiscalDrive, type SimCashMovement, type SimDocument } from './atolSimulatorDrive';

/**
 * A stand-in for the ATOL driver's web server and its register, for tests, e2e runs and
 * demos. It speaks the same API (POST /api/v2/requests, GET and DELETE
 * /api/v2/requests/{uuid}) over node:http, runs the tasks one at a time on an in-memory
 * fiscal drive (atolSimulatorDrive.ts), and checks every task against the zod schemas the
 * adapter is written to: an invalid task ends with error 501, as the vendor's driver does,
 * and is listed in state().invalidTasks so tests can assert there are none.
 *
 * Fault switches, set with setFaults() or POST /sim/faults (JSON, any subset):
 * - offline: the driver cannot reach the register: tasks end with error 2;
 * - paperOut: printing fails with error 44;
 * - holdTasks: tasks stay inProgress until released (slow answers, deterministic);
 * - answerDelayMs: each task takes this long, in real time (slow answers, for demos);
 * - crashAfterAccept: the next N receipts are fiscalised, then the HTTP answer is cut and
 *   the web server forgets the task (a crash between accept and answer);
 * - rejectMarkingCodes: codes the operator rejects; markingOnline: false for no operator.
 * Also: GET /sim/state, POST /sim/clock {advanceMs} (the register's clock, for 24 h
 * shifts), POST /sim/reset.
 */

export const SimFaults = z
  .object({
    offline: z.boolean(),
    paperOut: z.boolean(),
    holdTasks: z.boolean(),
    answerDelayMs: z.number().int().min(0).max(600_000),
    crashAfterAccept: z.number().int().min(0).max(1_000),
    rejectMarkingCodes: z.array(z.string().max(1024)).max(1_000),
    markingOnline: z.boolean(),
  })
  .strict();
export type SimFaults = z.infer<typeof SimFaults>;

const NO_FAULTS: SimFaults = {
  offline: false,
  paperOut: false,
  holdTasks: false,
  answerDelayMs: 0,
  crashAfterAccept: 0,
  rejectMarkingCodes: [],
  markingOnline: true,
};

interface Subtask {
  status: SubtaskStatus;
  errorCode: number;
  errorDescription: string;
  result: unknown;
}

interface TaskRecord {
  uuid: string;
  request: unknown[];
  results: Subtask[];
}

export interface InvalidTask {
  uuid: string;
  type: string;
  problem: string;
}

export interface SimState {
  documents: SimDocument[];
  cashMovements: SimCashMovement[];
  printed: string[][];
  cashKopecks: number;
  shift: 'closed' | 'opened' | 'expired';
  invalidTasks: InvalidTask[];
  faults: SimFaults;
  /** Requests received, by task type: to see that a retry was not sent twice. */
  received: Record<string, number>;
}

export interface AtolSimulatorOptions {
  port?: number;
  host?: string;
  /** The register's clock; real time by default. /sim/clock moves it forward. */
  now?: () => number;
}

const waiting = (): Subtask => ({ status: 'wait', errorCode: 0, errorDescription: 'Ошибок нет', result: null });
const RECEIPTS = new Set(['sell', 'sellReturn']);

export class AtolSimulator {
  private drive: SimFiscalDrive;
  private faults: SimFaults = { ...NO_FAULTS };
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly queue: string[] = [];
  private invalid: InvalidTask[] = [];
  private received: Record<string, number> = {};
  private offsetMs = 0;
  private working = false;
  private readonly delays = new Set<ReturnType<typeof setTimeout>>();

  private constructor(
    private readonly server: Server,
    private readonly baseNow: () => number,
  ) {
    this.drive = new SimFiscalDrive(() => this.now());
  }

  static async start(options: AtolSimulatorOptions = {}): Promise<AtolSimulator> {
    let sim: AtolSimulator | null = null;
    const server = createServer((req, res) => {
      sim?.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) send(res, 500, { error: String(err) });
        else res.destroy();
      });
    });
    sim = new AtolSimulator(server, options.now ?? Date.now);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    return sim;
  }

  get url(): string {
    const a = this.server.address() as AddressInfo;
    return `http://${a.address}:${a.port}`;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  now(): number {
    return this.baseNow() + this.offsetMs;
  }

  setFaults(patch: Partial<SimFaults>): SimFaults {
    this.faults = { ...this.faults, ...patch };
    if (!this.faults.holdTasks) this.pump();
    return this.faults;
  }

  advanceClock(ms: number): void {
    this.offsetMs += ms;
  }

  reset(): void {
    for (const t of this.delays) clearTimeout(t);
    this.delays.clear();
    this.drive = new SimFiscalDrive(() => this.now());
    this.faults = { ...NO_FAULTS };
    this.tasks.clear();
    this.queue.length = 0;
    this.invalid = [];
    this.received = {};
    this.working = false;
  }

  state(): SimState {
    return {
      documents: this.drive.documents,
      cashMovements: this.drive.cashMovements,
      printed: this.drive.printed,
      cashKopecks: this.drive.cashKopecks,
      shift: this.drive.shiftState(),
      invalidTasks: this.invalid,
      faults: this.faults,
      received: this.received,
    };
  }

  async close(): Promise<void> {
    for (const t of this.delays) clearTimeout(t);
    this.delays.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- HTTP --------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/api/v2/requests' && req.method === 'POST') return this.submit(req, res);
    const one = /^\/api\/v2\/requests\/([^/]+)$/.exec(path);
    if (one?.[1]) {
      const uuid = decodeURIComponent(one[1]);
      if (req.method === 'GET') return this.results(uuid, res);
      if (req.method === 'DELETE') return this.cancel(uuid, res);
    }
    if (path === '/sim/state' && req.method === 'GET') return send(res, 200, this.state());
    if (path === '/sim/faults' && req.method === 'POST') {
      const parsed = SimFaults.partial().safeParse(await readJson(req));
      if (!parsed.success) return send(res, 400, { error: z.prettifyError(parsed.error) });
      return send(res, 200, this.setFaults(parsed.data));
    }
    if (path === '/sim/clock' && req.method === 'POST') {
      const parsed = z.object({ advanceMs: z.number().int().min(0) }).safeParse(await readJson(req));
      if (!parsed.success) return send(res, 400, { error: z.prettifyError(parsed.error) });
      this.advanceClock(parsed.data.advanceMs);
      return send(res, 200, { now: this.now() });
    }
    if (path === '/sim/reset' && req.method === 'POST') {
      this.reset();
      return send(res, 200, {});
    }
    send(res, 404, { error: 'not found' });
  }

  private async submit(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const envelope = AtolRequestEnvelope.safeParse(await readJson(req));
    if (!envelope.success) {
      this.invalid.push({ uuid: '', type: '', problem: `request envelope: ${z.prettifyError(envelope.error)}` });
      return send(res, 400, { error: { code: 400, description: 'Неверный формат запроса' } });
    }
    const { uuid } = envelope.data;
    if (this.tasks.has(uuid)) return send(res, 409, { error: { code: 409, description: `Задание с uuid ${uuid} уже существует` } });
    const request = Array.isArray(envelope.data.request) ? envelope.data.request : [envelope.data.request];
    for (const t of request) {
      const type = typeof t === 'object' && t !== null && 'type' in t ? String(t.type) : '?';
      this.received[type] = (this.received[type] ?? 0) + 1;
    }
    const record: TaskRecord = { uuid, request, results: request.map(waiting) };
    this.tasks.set(uuid, record);

    const first = request[0] as { type?: unknown } | undefined;
    if (this.faults.crashAfterAccept > 0 && typeof first?.type === 'string' && RECEIPTS.has(first.type) && this.queue.length === 0 && !this.working) {
      // Fiscalised, then the answer is lost and the web server forgets the task.
      this.faults = { ...this.faults, crashAfterAccept: this.faults.crashAfterAccept - 1 };
      this.execute(record);
      this.tasks.delete(uuid);
      res.socket?.destroy();
      return;
    }
    this.queue.push(uuid);
    send(res, 201, null);
    this.pump();
  }

  private results(uuid: string, res: ServerResponse): void {
    const record = this.tasks.get(uuid);
    if (!record) return send(res, 404, { error: { code: 404, description: `Задание ${uuid} не найдено` } });
    send(res, 200, { results: record.results });
  }

  private cancel(uuid: string, res: ServerResponse): void {
    const record = this.tasks.get(uuid);
    if (!record) return send(res, 404, { error: { code: 404, description: `Задание ${uuid} не найдено` } });
    if (!record.results.every((r) => r.status === 'wait')) return send(res, 405, { error: { code: 405, description: 'Task in progress or done' } });
    const at = this.queue.indexOf(uuid);
    if (at >= 0) this.queue.splice(at, 1);
    for (const r of record.results) r.status = 'canceled';
    send(res, 200, null);
  }

  // ---- the driver's worker: one task at a time, in order -------------------------------------

  private pump(): void {
    if (this.working) return;
    const uuid = this.queue[0];
    const record = uuid ? this.tasks.get(uuid) : undefined;
    if (!uuid || !record) {
      if (uuid) this.queue.shift();
      if (this.queue.length > 0) this.pump();
      return;
    }
    const head = record.results[0];
    if (this.faults.holdTasks) {
      if (head) head.status = 'inProgress';
      return;
    }
    this.working = true;
    if (head) head.status = 'inProgress';
    const finish = () => {
      this.queue.shift();
      this.execute(record);
      this.working = false;
      this.pump();
    };
    const delay = this.faults.answerDelayMs;
    const timer = setTimeout(() => {
      this.delays.delete(timer);
      finish();
    }, delay);
    this.delays.add(timer);
  }

  private execute(record: TaskRecord): void {
    let broken = false;
    record.request.forEach((raw, i) => {
      const slot = record.results[i];
      if (!slot) return;
      if (broken) {
        Object.assign(slot, {
          status: 'interrupted',
          errorCode: ATOL_ERROR.interruptedByPreviousErrors,
          errorDescription: 'Выполнение прервано из-за предыдущих ошибок',
        });
        return;
      }
      const parsed = AtolTask.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue ? issue.path.join('.') : '';
        const problem = `${where}: ${issue?.message ?? 'invalid'}`;
        const type = typeof raw === 'object' && raw !== null && 'type' in raw ? String(raw.type) : '?';
        this.invalid.push({ uuid: record.uuid, type, problem });
        Object.assign(slot, { status: 'error', errorCode: ATOL_ERROR.receiptParseError, errorDescription: `Ошибка парсинга запроса: ${problem}` });
        broken = true;
        return;
      }
      if (this.faults.offline) {
        Object.assign(slot, { status: 'error', errorCode: ATOL_ERROR.noConnection, errorDescription: 'Нет связи' });
        broken = true;
        return;
      }
      const outcome = this.drive.execute(parsed.data, this.faults);
      if (outcome.ok) Object.assign(slot, { status: 'ready', errorCode: 0, errorDescription: 'Ошибок нет', result: outcome.result });
      else {
        Object.assign(slot, { status: 'error', errorCode: outcome.code, errorDescription: outcome.description, result: null });
        broken = true;
      }
    });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = body === null ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > 1_000_000) return undefined;
    chunks.push(b);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}
