// Reading links, addresses and namespaces back from the host (`ip -j`), and the small `ip` calls
// the other modules share.
import { runCommand, runIgnoringAbsent } from '../../host/run-command.js';
import { formatTag, parseTag, type Tag } from './names.js';

export interface HostLink { name: string; master?: string; alias?: string; kind?: string; mac?: string; tag?: Tag }
export interface HostAddress { address: string; prefixlen: number; family: 'inet' | 'inet6'; scope: string }

const ipArgs = (ns: string | undefined, args: string[]) => (ns ? ['-n', ns, ...args] : args);
export const ip = (args: string[], ns?: string) => runCommand('ip', ipArgs(ns, args));
export const ipIgnoringAbsent = (args: string[], ns?: string) => runIgnoringAbsent('ip', ipArgs(ns, args));

function parseJson<T>(text: string): T[] {
  return text.trim() ? (JSON.parse(text) as T[]) : [];
}

export async function listLinks(ns?: string): Promise<HostLink[]> {
  const raw = parseJson<{ ifname: string; master?: string; ifalias?: string; address?: string; linkinfo?: { info_kind?: string } }>(
    await ip(['-j', '-d', 'link', 'show'], ns));
  return raw.map((l) => ({ name: l.ifname, master: l.master, alias: l.ifalias, kind: l.linkinfo?.info_kind, mac: l.address, tag: parseTag(l.ifalias) }));
}

export async function listNamespaces(): Promise<string[]> {
  return parseJson<{ name: string }>(await runCommand('ip', ['-j', 'netns', 'list'])).map((n) => n.name);
}

export async function listAddresses(dev: string, ns?: string): Promise<HostAddress[]> {
  const raw = parseJson<{ addr_info?: { local: string; prefixlen: number; family: 'inet' | 'inet6'; scope: string }[] }>(
    await ipIgnoringAbsent(['-j', 'addr', 'show', 'dev', dev], ns));
  return (raw[0]?.addr_info ?? []).map((a) => ({ address: a.local, prefixlen: a.prefixlen, family: a.family, scope: a.scope }));
}

export const setTag = (dev: string, tag: Tag, ns?: string) => ip(['link', 'set', 'dev', dev, 'alias', formatTag(tag)], ns);

/** Makes a device's global addresses exactly `wanted` (`addr/prefix`), leaving link-local ones alone. */
export async function syncAddresses(dev: string, wanted: string[], ns?: string): Promise<void> {
  const have = (await listAddresses(dev, ns)).filter((a) => a.scope !== 'link').map((a) => `${a.address}/${a.prefixlen}`);
  for (const a of have) if (!wanted.includes(a)) await ipIgnoringAbsent(['addr', 'del', a, 'dev', dev], ns);
  // NOTE: nodad: a server address must be usable at once, not tentative for a second.
  for (const a of wanted) if (!have.includes(a)) await ip(['addr', 'add', a, 'dev', dev, ...(a.includes(':') ? ['nodad'] : [])], ns);
}

/** A namespace carrying our tag on its loopback (namespaces have no alias of their own). */
export async function ensureNamespace(name: string, tag: Tag): Promise<void> {
  if (!(await listNamespaces()).includes(name)) await runCommand('ip', ['netns', 'add', name]);
  await setTag('lo', tag, name);
  await ip(['link', 'set', 'lo', 'up'], name);
}

export async function namespaceTag(name: string): Promise<Tag | undefined> {
  try {
    return (await listLinks(name)).find((l) => l.name === 'lo')?.tag;
  } catch {
    return undefined;
  }
}

export const deleteNamespace = (name: string) => runIgnoringAbsent('ip', ['netns', 'delete', name]);
