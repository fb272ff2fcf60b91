import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileRules, type Credentials, enforce, type Target } from '../../../src/core/policy/policy-engine.js';
import { identityPolicies } from '../../../src/services/identity/policies.js';

// Our identity defaults decide exactly as Keystone Zed's do, as Zed runs them (enforce_new_defaults
// off: each rule is its check_str OR its deprecated rule). keystone-zed-policies.json holds the
// rule strings of keystone/common/policies/*.py at tag zed-eom; both rule sets are evaluated on
// the same credentials and targets (a deterministic random sample over every scope, role set and
// target field the rules name), so a rewritten but equivalent rule passes and a deviation fails.

type ZedRule = { check_str: string; deprecated: string | null };
const zed = JSON.parse(readFileSync(new URL('./keystone-zed-policies.json', import.meta.url), 'utf8')) as Record<string, ZedRule>;

const effective: Record<string, string> = {};
for (const [name, r] of Object.entries(zed)) {
  effective[name] = r.deprecated !== null && r.deprecated !== r.check_str ? `(${r.check_str || '@'}) or (${r.deprecated || '@'})` : r.check_str;
}

test('every identity rule we define is one of Keystone\'s', () => {
  const unknown = Object.keys(identityPolicies).filter((n) => !(n in zed));
  assert.deepEqual(unknown, []);
});

test('our defaults decide as Keystone Zed\'s on every sampled caller and target', () => {
  const Z = compileRules(effective);
  const O = compileRules(identityPolicies);
  const fields = new Set<string>();
  for (const s of [...Object.values(effective), ...Object.values(identityPolicies)]) {
    for (const m of s.matchAll(/%\(([^)]+)\)s/g)) fields.add(m[1]!);
  }
  let seed = 20221005;
  const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const roleSets = [[], ['reader'], ['member', 'reader'], ['admin', 'member', 'reader'], ['service'], ['admin']];
  const values = ['d1', 'd2', 'u1', 'u2', 'p1', 'p2', null, undefined];
  const differences = new Map<string, string>();
  for (let i = 0; i < 2500; i++) {
    const creds: Credentials = { roles: pick(roleSets), user_id: pick(['u1', 'u2']) };
    const scope = pick(['project', 'domain', 'system', 'unscoped']);
    if (scope === 'project') {
      creds.project_id = pick(['p1', 'p2']);
      creds.project_domain_id = creds['token.project.domain.id'] = pick(['d1', 'd2']);
    } else if (scope === 'domain') {
      creds.domain_id = creds['token.domain.id'] = pick(['d1', 'd2']);
    } else if (scope === 'system') {
      creds.system_scope = 'all';
    }
    const target: Target = {};
    for (const f of fields) { const v = pick(values); if (v !== undefined) target[f] = v; }
    for (const name of Object.keys(identityPolicies)) {
      if (differences.has(name) || !(name in effective)) continue;
      const want = enforce(Z, name, target, creds);
      if (enforce(O, name, target, creds) !== want) {
        differences.set(name, `Keystone says ${want} for ${JSON.stringify(creds)} on ${JSON.stringify(target)}`);
      }
    }
  }
  assert.deepEqual(Object.fromEntries(differences), {});
});
