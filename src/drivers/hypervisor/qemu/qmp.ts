// A QMP client: newline-delimited JSON over a guest's UNIX socket. The server greets, the client
// sends qmp_capabilities, then each command (tagged with an id) gets one `return` or `error`;
// `event` lines arrive in between and go to listeners.
import { createConnection, type Socket } from 'node:net';

export class QmpError extends Error {
  constructor(readonly command: string, readonly errorClass: string, desc: string) { super(`QMP ${command}: ${desc}`); }
}

export interface QmpEvent { event: string; data?: Record<string, unknown>; timestamp?: { seconds: number; microseconds: number } }

interface Pending { command: string; resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }

export class QmpClient {
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private readonly listeners = new Set<(e: QmpEvent) => void>();
  private closedError: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('QMP connection closed')));
  }

  /** Connects, reads the greeting and negotiates capabilities. */
  static async connect(path: string, timeoutMs = 5000): Promise<QmpClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = createConnection(path);
      const timer = setTimeout(() => { s.destroy(); reject(new Error(`QMP ${path}: no connection within ${timeoutMs} ms`)); }, timeoutMs);
      s.once('connect', () => { clearTimeout(timer); resolve(s); });
      s.once('error', (err) => { clearTimeout(timer); reject(err); });
    });
    const client = new QmpClient(socket);
    await client.greeting(timeoutMs);
    await client.execute('qmp_capabilities', undefined, timeoutMs);
    return client;
  }

  private greetingWaiter: ((ok: boolean) => void) | undefined;
  private greeted = false;

  private greeting(timeoutMs: number): Promise<void> {
    if (this.greeted) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('QMP: no greeting')), timeoutMs);
      this.greetingWaiter = (ok) => { clearTimeout(timer); if (ok) resolve(); else reject(this.closedError ?? new Error('QMP: closed before the greeting')); };
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (!line) continue;
      let msg: Record<string, any>;
      try { msg = JSON.parse(line); } catch { continue; }
      if (msg.QMP) { this.greeted = true; this.greetingWaiter?.(true); continue; }
      if (msg.event) { for (const l of this.listeners) l(msg as QmpEvent); continue; }
      const p = msg.id !== undefined ? this.pending.get(String(msg.id)) : undefined;
      if (!p) continue;
      this.pending.delete(String(msg.id));
      clearTimeout(p.timer);
      if (msg.error) p.reject(new QmpError(p.command, msg.error.class, msg.error.desc));
      else p.resolve(msg.return);
    }
  }

  private fail(err: Error): void {
    if (this.closedError) return;
    this.closedError = err;
    this.greetingWaiter?.(false);
    for (const [id, p] of this.pending) { clearTimeout(p.timer); p.reject(new Error(`QMP ${p.command}: ${err.message}`)); this.pending.delete(id); }
  }

  get closed(): boolean { return this.closedError !== undefined; }

  execute<T = unknown>(command: string, args?: Record<string, unknown>, timeoutMs = 10_000): Promise<T> {
    if (this.closedError) return Promise.reject(new Error(`QMP ${command}: ${this.closedError.message}`));
    const id = String(this.nextId++);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(id); reject(new Error(`QMP ${command}: no answer within ${timeoutMs} ms`)); }, timeoutMs);
      this.pending.set(id, { command, resolve: resolve as (v: unknown) => void, reject, timer });
      this.socket.write(`${JSON.stringify({ execute: command, ...(args ? { arguments: args } : {}), id })}\n`);
    });
  }

  /** Resolves with the first event named `name` (or one of the names) matching `match`, or rejects after timeoutMs. */
  waitEvent(name: string | string[], timeoutMs: number, match: (e: QmpEvent) => boolean = () => true): Promise<QmpEvent> {
    const names = typeof name === 'string' ? [name] : name;
    return new Promise((resolve, reject) => {
      const done = (fn: () => void) => { clearTimeout(timer); this.listeners.delete(listener); fn(); };
      const listener = (e: QmpEvent) => { if (names.includes(e.event) && match(e)) done(() => resolve(e)); };
      const timer = setTimeout(() => done(() => reject(new Error(`QMP: no ${names.join(' or ')} within ${timeoutMs} ms`))), timeoutMs);
      this.listeners.add(listener);
    });
  }

  close(): void { this.socket.destroy(); }
}
