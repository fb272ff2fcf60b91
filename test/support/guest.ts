// Guests in tests: the image they boot (STRATUS_GUEST_IMAGE when set, else the CirrOS-like image
// scripts/build-guest-image.sh builds once into the cache), waiting on a guest's console, and a
// login on its serial console to run a command inside it.
import { createConnection } from 'node:net';

export async function guestImage(): Promise<string> {
  if (process.env.STRATUS_GUEST_IMAGE) return process.env.STRATUS_GUEST_IMAGE;
  const { ensureGuestImage } = await import('../../src/guest-image.js');
  return ensureGuestImage();
}

/** Polls `read` (a console log) until it matches `pattern`; returns the log. */
export async function waitConsole(read: () => Promise<string>, pattern: RegExp, ms = 120_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const log = await read();
    if (pattern.test(log)) return log;
    if (Date.now() > end) throw new Error(`the console never showed ${pattern} in ${ms} ms; its end:\n${log.slice(-1500)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * Logs in as cirros on a guest's serial console socket and runs `command`; resolves with what it
 * printed (between markers, so prompts and echo are left out).
 */
export function serialRun(socketPath: string, command: string, ms = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(socketPath);
    let buf = '';
    let step = 0;
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`serial console: no answer to ${command} in ${ms} ms; last output:\n${buf.slice(-800)}`)); }, ms);
    const send = (s: string) => sock.write(s);
    sock.on('connect', () => send('\n'));
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      if (step === 0 && /login: ?$/.test(buf)) { step = 1; buf = ''; send('cirros\n'); }
      else if (step === 1 && /assword: ?$/.test(buf)) { step = 2; buf = ''; send('gocubsgo\n'); }
      else if (step === 2 && /[#$] ?(\x1b\[6n)?$/.test(buf)) { step = 3; buf = ''; send(`echo BEGIN-OUT; ${command}; echo END-OUT; exit\n`); }
      else if (step === 3) {
        const m = /\nBEGIN-OUT\r?\n([\s\S]*?)END-OUT/.exec(buf);
        if (m) { clearTimeout(timer); sock.end(); resolve(m[1]!.replace(/\r/g, '')); }
      }
    });
  });
}
