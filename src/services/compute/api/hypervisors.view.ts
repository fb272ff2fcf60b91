// Compute nodes as os-hypervisors shows them, per microversion: ids are uuids from 2.53, the usage
// fields go at 2.88, and the servers on a node are listed when asked.
import type { ApiRequest } from '../../../core/http/service-plugin.js';
import type { ComputeDomain } from '../domain/compute-domain.js';
import type { ComputeNodeRecord } from '../store/hosts.store.js';
import { mvCheck } from './common.js';

/** Before 2.53 a service's id is its position in the list. */
const serviceIds = async (d: ComputeDomain) => new Map((await d.hosts.services({})).map((s, i) => [s.id, i + 1]));
const instanceName = (id: string) => `instance-${parseInt(id.replace(/-/g, '').slice(0, 8), 16).toString(16).padStart(8, '0')}`;

export const nodeView = async (d: ComputeDomain, req: ApiRequest, n: ComputeNodeRecord, detail: boolean, withServers: boolean) => {
  const mv = mvCheck(req);
  const svc = await d.hosts.nodeService(n);
  const ids = await serviceIds(d);
  const out: Record<string, unknown> = {
    id: mv('2.53') ? n.id : n.seq, hypervisor_hostname: n.hypervisor_hostname,
    state: svc?.forced_down ? 'down' : 'up', status: svc?.disabled ? 'disabled' : 'enabled',
  };
  if (detail) {
    out.hypervisor_type = n.hypervisor_type;
    out.hypervisor_version = n.hypervisor_version;
    out.host_ip = n.host_ip;
    out.service = { host: n.host, id: mv('2.53') ? svc?.id : ids.get(n.service_id), disabled_reason: svc?.disabled_reason ?? null };
    if (!mv('2.88')) {
      const used = await d.hosts.usage(n);
      const running = (await d.servers.onNode(n.hypervisor_hostname)).length;
      const vcpusUsed = used.VCPU ?? 0; const ramUsed = (used.MEMORY_MB ?? 0) + 512; const diskUsed = used.DISK_GB ?? 0;
      Object.assign(out, {
        vcpus: n.vcpus, memory_mb: n.memory_mb, local_gb: n.local_gb, vcpus_used: vcpusUsed, memory_mb_used: ramUsed, local_gb_used: diskUsed,
        free_ram_mb: n.memory_mb - ramUsed, free_disk_gb: n.local_gb - diskUsed, current_workload: 0, running_vms: running,
        disk_available_least: n.local_gb - diskUsed, cpu_info: mv('2.28') ? JSON.parse(n.cpu_info) : n.cpu_info,
      });
    } else {
      out.uptime = ' 00:00:00 up 1 day, load average: 0.00, 0.00, 0.00';
    }
  }
  if (withServers) {
    const servers = await d.servers.onNode(n.hypervisor_hostname);
    if (servers.length || !mv('2.53')) out.servers = servers.map((s) => ({ name: instanceName(s.id), uuid: s.id }));
  }
  return out;
};
