// What the panels share: the status label, which states are still changing, the choices forms
// offer from the APIs, and the delete action.
import { Label } from '@patternfly/react-core';
import { call } from '../api/client';
import type { Session } from '../api/session';
import type { Field, Option } from '../components/resource';

export type Row = Record<string, any>;

export const status = (s: string | undefined) => {
  const v = (s ?? '').toUpperCase();
  const color = /ACTIVE|AVAILABLE|IN-USE|UP/.test(v) ? 'green' : /ERROR|DOWN/.test(v) ? 'red' : 'blue';
  return <Label color={color} isCompact>{s ?? ''}</Label>;
};
export const busy = (s: string | undefined) => /^(BUILD|REBOOT|HARD_REBOOT|RESIZE|creating|attaching|detaching|deleting|extending|saving|queued|importing|backing-up|restoring-backup|downloading|uploading)$/i.test(s ?? '');

// Choices from the APIs
export const images = async (s: Session): Promise<Option[]> => (await call(s, 'image', 'GET', '/v2/images?status=active')).images.map((i: Row) => ({ value: i.id, label: i.name ?? i.id }));
export const flavors = async (s: Session): Promise<Option[]> => (await call(s, 'compute', 'GET', '/flavors/detail')).flavors.map((f: Row) => ({ value: f.id, label: `${f.name} (${f.vcpus} vCPU, ${f.ram} MB, ${f.disk} GB)` }));
export const networks = async (s: Session, external?: boolean): Promise<Option[]> => (await call(s, 'network', 'GET', `/v2.0/networks${external ? '?router:external=true' : ''}`)).networks.map((n: Row) => ({ value: n.id, label: n.name || n.id }));
export const subnets = async (s: Session): Promise<Option[]> => (await call(s, 'network', 'GET', '/v2.0/subnets')).subnets.map((n: Row) => ({ value: n.id, label: `${n.name || n.id} (${n.cidr})` }));
export const keypairs = async (s: Session): Promise<Option[]> => (await call(s, 'compute', 'GET', '/os-keypairs')).keypairs.map((k: Row) => ({ value: k.keypair.name, label: k.keypair.name }));
export const secgroups = async (s: Session): Promise<Option[]> => (await call(s, 'network', 'GET', `/v2.0/security-groups?project_id=${s.project.id}`)).security_groups.map((g: Row) => ({ value: g.name, label: g.name }));
export const servers = async (s: Session): Promise<Option[]> => (await call(s, 'compute', 'GET', '/servers')).servers.map((v: Row) => ({ value: v.id, label: v.name }));
export const projects = async (s: Session): Promise<Option[]> => (await call(s, 'identity', 'GET', '/v3/projects')).projects.map((p: Row) => ({ value: p.id, label: p.name }));
export const roles = async (s: Session): Promise<Option[]> => (await call(s, 'identity', 'GET', '/v3/roles')).roles.map((r: Row) => ({ value: r.id, label: r.name }));
export const ports = async (s: Session): Promise<Option[]> => (await call(s, 'network', 'GET', `/v2.0/ports?device_owner=compute:nova`)).ports.map((p: Row) => ({ value: p.id, label: `${p.fixed_ips?.[0]?.ip_address ?? ''} (${p.device_id.slice(0, 8)})` }));

export const nameField: Field = { name: 'name', label: 'field.name', kind: 'text', required: true };
export const del = (service: string, path: (r: Row) => string, cli: (r: Row) => string) => ({
  label: 'common.delete' as const, danger: true, fields: [],
  plan: (_v: unknown, r?: Row) => [{ service, method: 'DELETE', path: path(r!), cli: cli(r!) }],
  run: (s: Session, _v: unknown, r?: Row) => call(s, service, 'DELETE', path(r!)),
});

export function download(name: string, text: string) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'application/x-pem-file' }));
  a.download = name;
  a.click();
}
