// Networking benchmark: port create rate and floating IP associate latency, against the baseline
// of the same run on the same server (GET /networking/v2.0/networks/{id}, the cheapest authorised
// networking call), so a slow machine shows as a slow baseline.
//
//   node bench/network.mjs [--ports 2000] [--clients 20] [--fips 200]
//
// It starts its own server from the bundle on a fresh data dir (the network driver the server is
// given: fake unless STRATUS_NETWORK_DRIVER says otherwise), prints a Markdown table and removes
// what it made. Benchmarks report; the exit status is 0 unless the script itself broke.
import { apiClient, fmt, now, numberOption as opt, pct, startBenchServer } from './lib/bench-server.mjs';

const PORTS = opt('ports', 2000);
const CLIENTS = opt('clients', 20);
const FIPS = opt('fips', 200);

async function main() {
  const { base, token, projectId } = await startBenchServer('network');
  const headers = { 'X-Auth-Token': token, 'Content-Type': 'application/json' };
  const call = apiClient(base, '/networking/v2.0', headers);

  await call('PUT', `/quotas/${projectId}`, { quota: { port: -1, floatingip: -1, network: -1, subnet: -1, router: -1 } });
  const { network } = await call('POST', '/networks', { network: { name: 'bench' } });
  await call('POST', '/subnets', { subnet: { network_id: network.id, ip_version: 4, cidr: '10.128.0.0/16', name: 'bench' } });
  const { networks: [pub] } = await call('GET', '/networks?router:external=true');
  const { router } = await call('POST', '/routers', { router: { name: 'bench', external_gateway_info: { network_id: pub.id } } });
  const { subnets: [sub] } = await call('GET', `/subnets?network_id=${network.id}`);
  await call('PUT', `/routers/${router.id}/add_router_interface`, { subnet_id: sub.id });

  const baseline = [];
  for (let i = 0; i < 500; i++) { const t = now(); await call('GET', `/networks/${network.id}`); baseline.push(now() - t); }

  const one = [];
  for (let i = 0; i < 200; i++) { const t = now(); await call('POST', '/ports', { port: { network_id: network.id, name: `one-${i}` } }); one.push(now() - t); }

  const many = [];
  let n = 0;
  const t0 = now();
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (n < PORTS) { n++; const t = now(); await call('POST', '/ports', { port: { network_id: network.id, name: `many-${n}` } }); many.push(now() - t); }
  }));
  const portsPerSecond = many.length / ((now() - t0) / 1000);

  const { ports } = await call('GET', `/ports?network_id=${network.id}&limit=${FIPS}`);
  const associate = [];
  const disassociate = [];
  for (const p of ports.slice(0, FIPS)) {
    const { floatingip } = await call('POST', '/floatingips', { floatingip: { floating_network_id: pub.id } });
    let t = now();
    await call('PUT', `/floatingips/${floatingip.id}`, { floatingip: { port_id: p.id } });
    associate.push(now() - t);
    t = now();
    await call('PUT', `/floatingips/${floatingip.id}`, { floatingip: { port_id: null } });
    disassociate.push(now() - t);
  }

  // Convergence: the service hands a rule change to the driver before it answers, so the time of
  // POST /security-group-rules is the time until the dataplane (nft with the Linux driver) has it.
  const { security_groups: [sg] } = await call('GET', `/security-groups?name=default&project_id=${projectId}`);
  const converge = [];
  for (let i = 0; i < 50; i++) {
    const t = now();
    const { security_group_rule: rule } = await call('POST', '/security-group-rules', { security_group_rule: { security_group_id: sg.id, direction: 'ingress', protocol: 'tcp', port_range_min: 10000 + i, port_range_max: 10000 + i } });
    converge.push(now() - t);
    await call('DELETE', `/security-group-rules/${rule.id}`);
  }

  const b = pct(baseline, 50);
  const row = (what, xs, extra = '') => `| ${what} | ${fmt(pct(xs, 50))} | ${fmt(pct(xs, 99))} | ${(pct(xs, 50) / b).toFixed(1)}× | ${extra} |`;
  console.log('| what | p50 | p99 | p50 ÷ baseline | |\n| --- | --- | --- | --- | --- |');
  console.log(row('baseline: GET /networks/{id}', baseline));
  console.log(row(`POST /ports, one client (${one.length})`, one, `${(1000 / pct(one, 50)).toFixed(0)} ports/s`));
  console.log(row(`POST /ports, ${CLIENTS} clients (${many.length})`, many, `**${portsPerSecond.toFixed(0)} ports/s**`));
  console.log(row(`PUT /floatingips/{id} port_id (associate, ${associate.length})`, associate));
  console.log(row(`PUT /floatingips/{id} port_id null (disassociate, ${disassociate.length})`, disassociate));
  console.log(row(`POST /security-group-rules on the default group (${converge.length}; dataplane converged on return)`, converge, 'target < 100 ms'));
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
