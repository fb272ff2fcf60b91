// The storage forms' logic: the image edit's JSON patch, a volume's create body, the checks of a
// project id and of a container's public read ACL (free of React, for the unit tests).
import { str, type Values } from './values.js';

type Row = Record<string, any>;

/** The JSON patch that turns the image into the edited one (only what changed). */
export function imagePatch(r: Row, v: Values): { op: string; path: string; value: unknown }[] {
  const out: { op: string; path: string; value: unknown }[] = [];
  if (str(v.name) !== (r.name ?? '')) out.push({ op: 'replace', path: '/name', value: str(v.name) });
  if (str(v.visibility) && str(v.visibility) !== r.visibility) out.push({ op: 'replace', path: '/visibility', value: str(v.visibility) });
  if (v.protected !== undefined && v.protected !== !!r.protected) out.push({ op: 'replace', path: '/protected', value: v.protected === true });
  for (const k of ['min_disk', 'min_ram'] as const) if (str(v[k]) !== '' && Number(v[k]) !== (r[k] ?? 0)) out.push({ op: 'replace', path: `/${k}`, value: Number(v[k]) });
  return out;
}

export function volumeBody(v: Values) {
  const src = str(v.source) || 'blank';
  return {
    volume: {
      name: str(v.name), size: Number(v.size), ...(str(v.description) ? { description: str(v.description) } : {}), ...(v.type ? { volume_type: str(v.type) } : {}),
      ...(src === 'image' && v.image ? { imageRef: str(v.image) } : {}), ...(src === 'snapshot' && v.snapshot ? { snapshot_id: str(v.snapshot) } : {}),
    },
  };
}

/** A Keystone project id as Glance's members API takes it (32 hex digits, or a UUID). */
export function projectIdError(text: string): 'member.projectId' | undefined {
  if (text === '') return undefined;
  return /^([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.test(text.trim()) ? undefined : 'member.projectId';
}

/** Whether a container's read ACL makes it public (anyone reads its objects: `.r:*`). */
export function isPublicAcl(read: string | null | undefined): boolean {
  return (read ?? '').split(',').map((x) => x.trim()).includes('.r:*');
}
