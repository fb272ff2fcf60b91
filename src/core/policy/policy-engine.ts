// An oslo.policy-compatible rule engine: the same rule strings and semantics as
// oslo_policy/_parser.py and _checks.py, so upstream default rules carry over verbatim.

export type Credentials = Record<string, unknown> & { roles: string[] };
export type Target = Record<string, unknown>;
type Check = (target: Target, creds: Credentials, rules: RuleSet) => boolean;
export type RuleSet = Map<string, Check>;

export function compileRules(texts: Record<string, string>): RuleSet {
  const rules: RuleSet = new Map();
  for (const [name, text] of Object.entries(texts)) {
    // NOTE: as oslo.policy, a rule that does not parse fails closed instead of stopping the service.
    let check: Check;
    try { check = parseRule(text); } catch { check = () => false; }
    rules.set(name, check);
  }
  return rules;
}

export function enforce(rules: RuleSet, name: string, target: Target, creds: Credentials): boolean {
  const check = rules.get(name);
  // NOTE: oslo.policy falls back to the "default" rule for unregistered names; we have none,
  // so an unknown name denies: a typo must not open an API.
  if (!check) return false;
  return check(target, creds, rules);
}

export function parseRule(text: string): Check {
  const tokens = tokenize(text);
  if (tokens.length === 0) return () => true;
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];

  function parseOr(): Check {
    const parts = [parseAnd()];
    while (peek() === 'or') { next(); parts.push(parseAnd()); }
    return parts.length === 1 ? parts[0]! : (t, c, r) => parts.some((p) => p(t, c, r));
  }
  function parseAnd(): Check {
    const parts = [parseNot()];
    while (peek() === 'and') { next(); parts.push(parseNot()); }
    return parts.length === 1 ? parts[0]! : (t, c, r) => parts.every((p) => p(t, c, r));
  }
  function parseNot(): Check {
    if (peek() === 'not') { next(); const inner = parseNot(); return (t, c, r) => !inner(t, c, r); }
    return parseAtom();
  }
  function parseAtom(): Check {
    const tok = next();
    if (tok === undefined) throw new Error(`policy rule ends early: ${text}`);
    if (tok === '(') {
      const inner = parseOr();
      if (next() !== ')') throw new Error(`unbalanced parentheses in policy rule: ${text}`);
      return inner;
    }
    return parseCheck(tok);
  }
  const result = parseOr();
  if (pos !== tokens.length) throw new Error(`unexpected "${tokens[pos]}" in policy rule: ${text}`);
  return result;
}

function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\s+/)) {
    if (!raw) continue;
    let word = raw;
    while (word.startsWith('(')) { out.push('('); word = word.slice(1); }
    let closing = 0;
    while (word.endsWith(')')) { closing++; word = word.slice(0, -1); }
    if (word) out.push(['and', 'or', 'not'].includes(word.toLowerCase()) ? word.toLowerCase() : word);
    for (let i = 0; i < closing; i++) out.push(')');
  }
  return out;
}

function parseCheck(tok: string): Check {
  if (tok === '@') return () => true;
  if (tok === '!') return () => false;
  const colon = tok.indexOf(':');
  // NOTE: oslo.policy fails closed on a check it cannot read.
  if (colon < 0) return () => false;
  const kind = tok.slice(0, colon);
  const match = tok.slice(colon + 1);
  if (kind === 'rule') return (t, c, rules) => enforce(rules, match, t, c);
  if (kind === 'role') {
    return (t, c) => {
      const wanted = interpolate(match, t);
      return wanted !== undefined && c.roles.some((r) => r.toLowerCase() === wanted.toLowerCase());
    };
  }
  const literal = pythonLiteral(kind);
  return (t, c) => {
    const expected = interpolate(match, t);
    if (expected === undefined) return false;
    if (literal !== undefined) return expected === literal;
    return found(c, kind.split('.'), expected);
  };
}

/**
 * oslo.policy's GenericCheck: `kind:match`. The match is interpolated from the target
 * (%(target.x)s; a missing key fails the check) and compared as a string with the credential at
 * the dotted path `kind` (any element of a list matches), or with `kind` itself when it is a
 * Python literal ('x', 42, True, None), as in `True:%(user.enabled)s`.
 */
function found(creds: unknown, path: string[], expected: string): boolean {
  if (path.length === 0) return pythonStr(creds) === expected;
  if (creds === null || typeof creds !== 'object') return false;
  const obj = creds as Record<string, unknown>;
  // NOTE: our credentials also carry flattened keys ("token.domain.id"); try the longest first.
  for (let n = path.length; n >= 1; n--) {
    const key = path.slice(0, n).join('.');
    if (!(key in obj) || obj[key] === undefined) continue;
    const value = obj[key];
    const rest = path.slice(n);
    if (Array.isArray(value)) return value.some((v) => found(v, rest, expected));
    return found(value, rest, expected);
  }
  return false;
}

/** The string form of a Python literal, or undefined when `text` is not one. */
function pythonLiteral(text: string): string | undefined {
  if (/^'[^']*'$/.test(text) || /^"[^"]*"$/.test(text)) return text.slice(1, -1);
  if (text === 'True' || text === 'False' || text === 'None') return text;
  if (/^[-+]?\d+$/.test(text)) return String(Number.parseInt(text, 10));
  if (/^[-+]?(\d+\.\d*|\.\d+)$/.test(text)) return pythonStr(Number.parseFloat(text));
  return undefined;
}

/** Python's str() of a JSON value, which is what oslo.policy compares. */
function pythonStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  return String(v);
}

function interpolate(template: string, target: Target): string | undefined {
  let missing = false;
  const out = template.replace(/%\(([^)]+)\)s/g, (_, key: string) => {
    const value = lookup(target, key);
    if (value === undefined) { missing = true; return ''; }
    return pythonStr(value);
  });
  return missing ? undefined : out;
}

function lookup(obj: Record<string, unknown>, path: string): unknown {
  if (path in obj) return obj[path];
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
