// `--log-format pretty`: pino's JSON lines as lines a person reads (time, level, service, request
// id, message, the other fields as key=value, an error's stack below), for a terminal.

const LEVELS: Record<number, [string, string]> = {
  10: ['TRACE', '90'], 20: ['DEBUG', '36'], 30: ['INFO', '32'], 40: ['WARN', '33'], 50: ['ERROR', '31'], 60: ['FATAL', '35'],
};

/** A pino destination that writes each record as one readable line to `out`. */
export function prettyStream(out: { write(s: string): unknown }, color: boolean): { write(line: string): void } {
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  return {
    write(line: string) {
      let rec: Record<string, unknown>;
      try { rec = JSON.parse(line) as Record<string, unknown>; } catch { out.write(line); return; }
      const { time, level, msg, service, reqId, err, ...rest } = rec;
      const [name, code] = LEVELS[level as number] ?? [String(level), '0'];
      const when = typeof time === 'number' ? new Date(time).toISOString().slice(11, 23) : '';
      const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
      const head = [paint('2', when), paint(code, name.padEnd(5)), service ? paint('1', `[${service}]`) : '', reqId ? paint('2', String(reqId)) : '', msg ?? '', ...fields.map((f) => paint('2', f))];
      let text = head.filter(Boolean).join(' ');
      const stack = (err as { stack?: string } | undefined)?.stack;
      if (stack) text += `\n${stack.replace(/^/gm, '    ')}`;
      out.write(`${text}\n`);
    },
  };
}
