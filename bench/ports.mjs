// Networking at scale: does a port create or a metadata request cost more as a network fills up?
// One network with a /16 subnet (fake network driver unless STRATUS_NETWORK_DRIVER says otherwise)
// and one server on it whose address the metadata requests name, as the network driver's proxy
// names a guest (X-Neutron-Network-ID, X-Forwarded-For and the shared secret).
//
//   node bench/ports.mjs [--ports 10000] [--small 1000] [--clients 20] [--samples 100] [--json]
//
// Measured, against the baseline GET /networking/v2.0/networks/{id} of the same run:
// - POST /ports, one client, `--samples` creates once the network holds `--small` ports, and again
//   once it holds `--ports` (the ports in between are made by `--clients` clients, not timed);
// - GET /compute/metadata/openstack/latest/meta_data.json, 300 requests at 100 ports and at `--ports`.
// Target (issue 15): the large-network figures within 1.2× of the small-network ones.
// Also the server's CPU time per timed create (it shares the machine: wall time alone misleads)
// and its peak RSS over the run.
import { randomBytes } from 'node:crypto';
import { apiClient, cpuMs, fmt, now, numberOption as opt, pct, peakRssMiB, startBenchServer } from './lib/bench-server.mjs';

const PORTS = opt('ports', 10000);
const SMALL = opt('small', 1000);
const CLIENTS = opt('clients', 20);
const SAMPLES = opt('samples', 100);
const JSON_OUT = process.argv.includes('--json');

async function main() {
  const secret = randomBytes(16).toString('hex');
  process.env.STRATUS_METADATA_SECRET = secret;
  const { base, token, projectId, pid } = await startBenchServer('ports');
  const headers = { 'X-Auth-Token': token, 'Content-Type': 'application/json' };
  const net = apiClient(base, '/networking/v2.0', headers);
  const compute = apiClient(base, '/compute/v2.1', { ...headers, 'X-OpenStack-Nova-API-Version': '2.37' });

  await net('PUT', `/quotas/${projectId}`, { quota: { port: -1, network: -1, subnet: -1 } });
  await compute('PUT', `/os-quota-sets/${projectId}`, { quota_set: { instances: -1, cores: -1, ram: -1 } });
  const { network } = await net('POST', '/networks', { network: { name: 'bench' } });
  await net('POST', '/subnets', { subnet: { network_id: network.id, ip_version: 4, cidr: '10.128.0.0/16', name: 'bench' } });
  await compute('POST', '/flavors', { flavor: { name: 'b1.pico', id: 'b1', vcpus: 1, ram: 64, disk: 0 } });
  const image = await apiClient(base, '/image/v2', headers)('POST', '/images', { name: 'bench', disk_format: 'raw', container_format: 'bare', visibility: 'public' });
  await fetch(`${base}/image/v2/images/${image.id}/file`, { method: 'PUT', headers: { 'X-Auth-Token': token, 'Content-Type': 'application/octet-stream' }, body: Buffer.alloc(4096) });
  const { server } = await compute('POST', '/servers', { server: { name: 'guest', imageRef: image.id, flavorRef: 'b1', networks: [{ uuid: network.id }] } });
  let address;
  for (;;) {
    const { server: s } = await compute('GET', `/servers/${server.id}`);
    if (s.status === 'ERROR') throw new Error('the guest went to ERROR');
    address = s.status === 'ACTIVE' ? Object.values(s.addresses).flat()[0]?.addr : undefined;
    if (address) break;
    await new Promise((r) => setTimeout(r, 20));
  }

  const baseline = [];
  for (let i = 0; i < 300; i++) { const t = now(); await net('GET', `/networks/${network.id}`); baseline.push(now() - t); }

  let count = (await net('GET', `/ports?network_id=${network.id}&fields=id`)).ports.length;
  const fill = async (upTo) => {
    await Promise.all(Array.from({ length: CLIENTS }, async () => {
      while (count < upTo) { count++; await net('POST', '/ports', { port: { network_id: network.id } }); }
    }));
  };
  const creates = async () => {
    const times = [];
    const cpu0 = cpuMs(pid);
    for (let i = 0; i < SAMPLES; i++) { const t = now(); await net('POST', '/ports', { port: { network_id: network.id } }); times.push(now() - t); count++; }
    times.cpuPerCreate = cpu0 === undefined ? undefined : (cpuMs(pid) - cpu0) / SAMPLES;
    return times;
  };
  const metadata = async () => {
    const times = [];
    const mdHeaders = { 'X-Metadata-Secret': secret, 'X-Neutron-Network-ID': network.id, 'X-Forwarded-For': address };
    for (let i = 0; i < 300; i++) {
      const t = now();
      const r = await fetch(`${base}/compute/metadata/openstack/latest/meta_data.json`, { headers: mdHeaders });
      const body = await r.json();
      times.push(now() - t);
      if (r.status !== 200 || body.uuid !== server.id) throw new Error(`metadata answered ${r.status} ${JSON.stringify(body)}`);
    }
    return times;
  };

  await fill(100);
  const mdSmall = await metadata();
  const mdSmallAt = count;
  await fill(SMALL);
  const createSmallAt = count;
  const createSmall = await creates();
  const t0 = now();
  const before = count;
  await fill(PORTS);
  const fillRate = (count - before) / ((now() - t0) / 1000);
  const createLargeAt = count;
  const createLarge = await creates();
  const mdLarge = await metadata();

  const b = pct(baseline, 50);
  const result = {
    baseline: { p50: b, p99: pct(baseline, 99) },
    createSmall: { at: createSmallAt, p50: pct(createSmall, 50), p99: pct(createSmall, 99), serverCpuMs: createSmall.cpuPerCreate },
    createLarge: { at: createLargeAt, p50: pct(createLarge, 50), p99: pct(createLarge, 99), serverCpuMs: createLarge.cpuPerCreate },
    fillRate, clients: CLIENTS, serverCpuMsTotal: cpuMs(pid), serverPeakRssMiB: peakRssMiB(pid),
    metadataSmall: { at: mdSmallAt, p50: pct(mdSmall, 50), p99: pct(mdSmall, 99) },
    metadataLarge: { at: createLargeAt + SAMPLES, p50: pct(mdLarge, 50), p99: pct(mdLarge, 99) },
  };
  if (JSON_OUT) { console.log(JSON.stringify(result)); return; }
  const row = (what, r, extra = '') => `| ${what} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${(r.p50 / b).toFixed(1)}× | ${extra} |`;
  const ratio = (l, s) => `${(l.p50 / s.p50).toFixed(2)}× the small network's p50 (target ≤ 1.2×)`;
  console.log('| what | p50 | p99 | p50 ÷ baseline | |\n| --- | --- | --- | --- | --- |');
  console.log(row('baseline: GET /networks/{id}', result.baseline));
  const cpu = (r) => (r.serverCpuMs === undefined ? '' : `; server CPU ${fmt(r.serverCpuMs)} a create`);
  console.log(row(`POST /ports, one client, at ${createSmallAt} ports (${SAMPLES})`, result.createSmall, cpu(result.createSmall).slice(2)));
  console.log(row(`POST /ports, one client, at ${createLargeAt} ports (${SAMPLES})`, result.createLarge, ratio(result.createLarge, result.createSmall) + cpu(result.createLarge)));
  console.log(`| POST /ports, ${CLIENTS} clients, from ${before} to ${createLargeAt} ports | | | | ${fillRate.toFixed(0)} ports/s |`);
  console.log(row(`metadata meta_data.json at ${mdSmallAt} ports (300)`, result.metadataSmall));
  console.log(row(`metadata meta_data.json at ${result.metadataLarge.at} ports (300)`, result.metadataLarge, ratio(result.metadataLarge, result.metadataSmall)));
  if (result.serverPeakRssMiB !== undefined) console.log(`\nserver: peak RSS ${result.serverPeakRssMiB.toFixed(0)} MiB, CPU ${(result.serverCpuMsTotal / 1000).toFixed(1)} s over the run`);
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
