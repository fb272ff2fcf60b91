import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The operator's policy overrides in the data dir, as oslo.policy reads its policy file:
 * `policy.yaml` (oslo.policy's default since Wallaby) or `policy.json`; when both exist, the YAML
 * wins, as `policy_file = policy.yaml`. Every service reads the same file and takes the rules it knows.
 * The YAML is oslo.policy's generated shape: one `"name": "rule"` per line, comments with `#`.
 */
export function loadPolicyOverrides(dataDir: string): Record<string, string> {
  const yaml = join(dataDir, 'policy.yaml');
  if (existsSync(yaml)) return parsePolicyYaml(readFileSync(yaml, 'utf8'));
  const json = join(dataDir, 'policy.json');
  if (existsSync(json)) return JSON.parse(readFileSync(json, 'utf8')) as Record<string, string>;
  return {};
}

/** `"name": "rule"` lines (either key or value may be unquoted, single- or double-quoted). */
export function parsePolicyYaml(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (/^\s*(#|$)/.test(line)) continue;
    const m = /^\s*(?:"([^"]+)"|'([^']+)'|([^\s:#"'][^:#]*?))\s*:\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^#]*?))\s*(#.*)?$/.exec(line);
    if (!m) continue;
    const key = (m[1] ?? m[2] ?? m[3])!;
    const value = m[4] !== undefined ? m[4].replace(/\\(.)/g, '$1') : m[5] !== undefined ? m[5].replace(/''/g, "'") : (m[6] ?? '');
    out[key] = value;
  }
  return out;
}
