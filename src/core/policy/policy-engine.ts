// An oslo.policy-compatible rule engine: the same rule strings and semantics as
// oslo_policy/_parser.py and _checks.py, so upstream default rules carry over verbatim.

export type Credentials = Record<string, unknown> & { roles: string[] };
export type Target = Record<string, unknown>;
type Check = (target: Target, creds: Credentials, rules: RuleSet) => boolean;
export type RuleSet = Map<string, Check>;

export function compileRules(texts: Record<string, string>): RuleSet {
  const rules: RuleSet = new Map();
  for (const [name, text] of Object.entries(texts)) rules.set(name, parseRule(text));
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
  if (colon < 0) throw new Error(`policy check without a kind: ${tok}`);
  const kind = tok.slice(0, colon);
  const match = tok.slice(colon + 1);
  if (kind === 'rule') return (t, c, rules) => enforce(rules, match, t, c);
  if (kind === 'role') {
    return (t, c) => {
      const wanted = interpolate(match, t);
      return wanted !== undefined && c.roles.some((r) => r.toLowerCase() === wanted.toLowerCase());
    };
  }
  return (t, c) => genericCheck(kind, match, t, c);
}

// `kind:match` where match is a literal ('x', True, 42) or a %(target.path)s reference,
// compared with the credential at `kind` (dotted paths allowed, as in token.domain.id).
function genericCheck(kind: string, match: string, target: Target, creds: Credentials): boolean {
  let expected: unknown;
  if (/^'.*'$/.test(match)) expected = match.slice(1, -1);
  else if (match === 'True') expected = true;
  else if (match === 'False') expected = false;
  else if (/^-?\d+$/.test(match)) expected = Number(match);
  else {
    expected = interpolate(match, target);
    if (expected === undefined) return false;
  }
  const actual = lookup(creds, kind);
  if (actual === undefined || actual === null) return false;
  if (Array.isArray(actual)) return actual.map(String).includes(String(expected));
  if (typeof expected === 'boolean') return actual === expected || String(actual) === String(expected);
  return String(actual) === String(expected);
}

function interpolate(template: string, target: Target): string | undefined {
  let missing = false;
  const out = template.replace(/%\(([^)]+)\)s/g, (_, key: string) => {
    const value = lookup(target, key);
    if (value === undefined || value === null) { missing = true; return ''; }
    return String(value);
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
