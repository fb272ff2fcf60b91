// Screenshots of the dashboard's main pages for docs/dashboard.md: a fresh cloud (`stratus up`,
// fake hypervisor) with some demo resources made through the public APIs, then Debian's chromium
// (playwright-core) logs in and photographs each page, in English and (for a few) Korean.
//
//   node scripts/screenshots.mjs [--out docs/screenshots]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { apiClient, startBenchServer } from '../bench/lib/bench-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outArg = process.argv.indexOf('--out');
const OUT = outArg > 0 ? process.argv[outArg + 1] : join(root, 'docs', 'screenshots');

/** Demo resources: a project with a member, a flavor, an image, a network behind a router, instances, volumes, a volume type, floating IPs, a container. */
async function demo(base, token, projectId) {
  const call = apiClient(base, '', { 'X-Auth-Token': token, 'Content-Type': 'application/json' });
  const vol = `/volume/v3/${projectId}`;
  const demoProject = (await call('GET', '/identity/v3/projects?name=demo')).projects[0]
    ?? (await call('POST', '/identity/v3/projects', { project: { name: 'demo', description: 'The seeds\' lab project', domain_id: 'default' } })).project;
  const alice = (await call('POST', '/identity/v3/users', { user: { name: 'alice', password: 'alice-secret', domain_id: 'default', default_project_id: demoProject.id, email: 'alice@example.org' } })).user;
  await call('POST', '/identity/v3/users', { user: { name: 'bob', password: 'bob-secret', domain_id: 'default', enabled: false } });
  const roles = (await call('GET', '/identity/v3/roles')).roles;
  const role = (n) => roles.find((r) => r.name === n).id;
  await call('PUT', `/identity/v3/projects/${demoProject.id}/users/${alice.id}/roles/${role('member')}`);
  const group = (await call('POST', '/identity/v3/groups', { group: { name: 'operators', domain_id: 'default' } })).group;
  await call('PUT', `/identity/v3/projects/${demoProject.id}/groups/${group.id}/roles/${role('reader')}`);
  const flavors = (await call('GET', '/compute/v2.1/flavors')).flavors;
  const flavor = (n) => (flavors.find((f) => f.name === n) ?? flavors[0]).id;
  const image = await call('POST', '/image/v2/images', { name: 'cirros-0.6.2', disk_format: 'qcow2', container_format: 'bare', visibility: 'public' });
  await fetch(`${base}/image/v2/images/${image.id}/file`, { method: 'PUT', headers: { 'X-Auth-Token': token, 'Content-Type': 'application/octet-stream' }, body: Buffer.alloc(64 * 1024, 1) });
  const net = (await call('POST', '/networking/v2.0/networks', { network: { name: 'lab-net' } })).network;
  const subnet = (await call('POST', '/networking/v2.0/subnets', { subnet: { network_id: net.id, name: 'lab-subnet', cidr: '10.10.0.0/24', ip_version: 4 } })).subnet;
  const pub = (await call('GET', '/networking/v2.0/networks?name=public')).networks[0];
  const router = (await call('POST', '/networking/v2.0/routers', { router: { name: 'lab-router', external_gateway_info: { network_id: pub.id } } })).router;
  await call('PUT', `/networking/v2.0/routers/${router.id}/add_router_interface`, { subnet_id: subnet.id });
  const sg = (await call('GET', `/networking/v2.0/security-groups?name=default&project_id=${projectId}`)).security_groups[0];
  await call('POST', '/networking/v2.0/security-group-rules', { security_group_rule: { security_group_id: sg.id, direction: 'ingress', protocol: 'tcp', port_range_min: 22, port_range_max: 22, remote_ip_prefix: '0.0.0.0/0' } });
  await call('POST', '/compute/v2.1/os-keypairs', { keypair: { name: 'lab-key' } });
  for (const name of ['web-1', 'web-2', 'db-1']) {
    await call('POST', '/compute/v2.1/servers', { server: { name, imageRef: image.id, flavorRef: flavor(name === 'db-1' ? 'm1.small' : 'm1.tiny'), networks: [{ uuid: net.id }], key_name: 'lab-key' } });
  }
  for (;;) {
    const { servers } = await call('GET', '/compute/v2.1/servers/detail');
    if (servers.every((s) => s.status === 'ACTIVE')) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const port = (await call('GET', '/networking/v2.0/ports?device_owner=compute:nova')).ports[0];
  await call('POST', '/networking/v2.0/floatingips', { floatingip: { floating_network_id: pub.id, port_id: port.id } });
  await call('POST', '/networking/v2.0/floatingips', { floatingip: { floating_network_id: pub.id, project_id: demoProject.id } });
  await call('POST', `${vol}/types`, { volume_type: { name: 'fast', description: 'SSD-backed', extra_specs: { volume_backend_name: 'lvm', 'capabilities:thin_provisioning': '<is> True' } } });
  await call('POST', `${vol}/types`, { volume_type: { name: 'gold', 'os-volume-type-access:is_public': false } });
  const volume = (await call('POST', `${vol}/volumes`, { volume: { name: 'data-1', size: 2 } })).volume;
  await call('POST', `${vol}/volumes`, { volume: { name: 'logs', size: 1 } });
  for (;;) {
    const v = (await call('GET', `${vol}/volumes/${volume.id}`)).volume;
    if (v.status === 'available') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await call('POST', `${vol}/snapshots`, { snapshot: { volume_id: volume.id, name: 'data-1-snap' } });
  const agg = (await call('POST', '/compute/v2.1/os-aggregates', { aggregate: { name: 'rack-1', availability_zone: 'az-east' } })).aggregate;
  const host = (await call('GET', '/compute/v2.1/os-services?binary=nova-compute')).services[0].host;
  await call('POST', `/compute/v2.1/os-aggregates/${agg.id}/action`, { add_host: { host } });
  const swift = `/object-store/v1/AUTH_${projectId}`;
  await fetch(`${base}${swift}/lab-files`, { method: 'PUT', headers: { 'X-Auth-Token': token } });
  await fetch(`${base}${swift}/lab-files/hello.txt`, { method: 'PUT', headers: { 'X-Auth-Token': token, 'Content-Type': 'text/plain' }, body: 'hello\n' });
  return { demoProject };
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const { base, token, projectId, stop } = await startBenchServer('screenshots', { computeHosts: 2 });
  const { demoProject } = await demo(base, token, projectId);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const made = [];
  try {
    for (const lang of ['en', 'ko']) {
      const context = await browser.newContext({ locale: lang === 'ko' ? 'ko-KR' : 'en-US', viewport: { width: 1280, height: 720 } });
      const page = await context.newPage();
      const shot = async (name) => {
        await page.waitForLoadState('networkidle');
        await page.waitForTimeout(300);
        const file = join(OUT, `${lang}-${name}.png`);
        await page.screenshot({ path: file });
        made.push(file);
      };
      const go = async (path, wait = '[data-testid=table], .pf-v6-c-empty-state, .pf-v6-c-card, [data-testid=topology]') => {
        await page.goto(`${base}/dashboard/${path}`);
        await page.waitForSelector('h1');
        await page.waitForSelector(wait);
      };
      await page.goto(`${base}/dashboard/`);
      await page.waitForSelector('#login-user');
      await page.fill('#login-user', 'admin');
      await page.fill('#login-password', 'secret');
      if (lang === 'en') await shot('login');
      await page.click('button[type=submit]');
      await page.waitForURL('**/project/overview');
      await page.waitForSelector('.pf-v6-c-card');
      await shot('overview');
      await go('project/instances');
      await shot('instances');
      if (lang === 'ko') { await go('admin/overview', '[data-testid=table]'); await shot('admin-usage'); await go('identity/projects'); await shot('projects'); }
      if (lang === 'en') {
        await go('project/networks');
        await page.click('[data-testid=create]');
        await page.fill('#field-name', 'backend');
        await page.fill('#field-cidr', '10.1.0.0/24');
        await page.click('[data-testid=show-api]');
        await shot('network-api-drawer');
        await page.keyboard.press('Escape');
        await go('project/topology', '[data-testid=topology] g');
        await shot('topology');
        await go('admin/overview', '[data-testid=table]');
        await page.waitForSelector('[data-testid^="row-"]');
        await shot('admin-usage');
        await go('admin/volume-types');
        await shot('admin-volume-types');
        await go('admin/floating-ips');
        await shot('admin-floating-ips');
        await go('admin/networks');
        await page.click('[data-testid=create]');
        await page.fill('#field-name', 'provider-vlan-100');
        await page.selectOption('#field-type', 'vlan');
        await page.fill('#field-physnet', 'physnet1');
        await page.fill('#field-segment', '100');
        await page.check('#field-shared');
        await shot('admin-network-create');
        await page.keyboard.press('Escape');
        await go('admin/defaults');
        await shot('admin-defaults');
        await go(`identity/projects/${demoProject.id}/members?name=demo`);
        await shot('project-members');
        await go('identity/projects');
        await page.click('[data-testid="row-demo"] button[aria-label="Kebab toggle"]');
        await page.getByRole('menuitem', { name: 'Modify quotas', exact: true }).click();
        await page.waitForFunction(() => (document.querySelector('#field-c-instances'))?.value !== '');
        await shot('project-quotas');
        await page.keyboard.press('Escape');
        await go('identity/users');
        await shot('users');
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await stop();
  }
  console.log(made.map((f) => f.slice(root.length)).join('\n'));
  process.exit(0);
}

await main();
