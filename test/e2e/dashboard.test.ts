import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Client, login, startTestCloud, type TestCloud } from '../support/cloud.js';
import { ROOT } from '../support/server.js';
import { en } from '../../dashboard/src/i18n/en.js';
import { ko } from '../../dashboard/src/i18n/ko.js';

// The seeds' dashboard lab in a real browser (Debian's chromium), once in English and once in
// Korean: log in as admin, then create a project, a user, a flavor, a network with its subnet, a
// router with its gateway and interface, an ICMP rule, a key pair, a floating IP, an image, an
// instance, a volume and its snapshot, a container and an object — each checked through the API
// afterwards — and log out. Screenshots of every step go to artifacts/dashboard-lab/<language>/.

const CHROMIUM = '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM) && 'chromium is not installed (apt-get install -y chromium)';
const built = existsSync(join(ROOT, 'dist', 'dashboard', 'index.html'));

let cloud: TestCloud;
let browser: Browser;
let admin: Client;
let files: string;

before(async () => {
  if (skip) return;
  assert.ok(built, 'the dashboard is built (node scripts/build.mjs) before this test runs');
  cloud = await startTestCloud();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  admin = new Client(cloud.url, (await login(cloud, 'admin', 'secret', 'admin')).token);
  files = mkdtempSync(join(tmpdir(), 'stratus-dashboard-'));
});
after(async () => {
  if (skip) return;
  await browser.close();
  await cloud.stop();
  rmSync(files, { recursive: true, force: true });
});

const api = (path: string) => admin.get(path).then((r) => { assert.equal(r.status, 200, `${path}: ${r.status}`); return r.body; });

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

for (const [lang, m] of [['en', en], ['ko', ko]] as const) {
  test(`the seeds' lab in the dashboard, in ${lang === 'en' ? 'English' : 'Korean'}`, { skip, timeout: 180_000 }, async () => {
    const shots = join(ROOT, 'artifacts', 'dashboard-lab', lang);
    mkdirSync(shots, { recursive: true });
    const context = await browser.newContext({ locale: lang === 'ko' ? 'ko-KR' : 'en-US', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    let step = 0;
    const shot = async (name: string) => { await page.screenshot({ path: join(shots, `${String(++step).padStart(2, '0')}-${name}.png`) }); };
    const go = async (panel: string) => { await page.goto(`${cloud.url}/dashboard/${panel}`); await page.waitForSelector('h1'); };
    const submit = async () => {
      await page.click('button[type=submit][form=resource-form]');
      await page.waitForSelector('#resource-form', { state: 'detached', timeout: 30_000 });
    };
    const rowAction = async (row: string, label: string) => {
      await page.click(`[data-testid="row-${row}"] button[aria-label="Kebab toggle"]`);
      await page.getByRole('menuitem', { name: label, exact: true }).click();
      await page.waitForSelector('#resource-form');
    };

    // 1. Log in: the page speaks the browser's language.
    await page.goto(`${cloud.url}/`);
    await page.waitForSelector('#login-user');
    assert.equal(await page.locator('button[type=submit]').innerText(), m['login.submit']);
    await page.fill('#login-user', 'admin');
    await page.fill('#login-password', 'secret');
    await shot('login');
    await page.click('button[type=submit]');
    await page.waitForURL('**/project/overview');
    await page.getByText(m['quota.instances'], { exact: true }).waitFor();
    await shot('overview');

    // 2. A project and 3. a user who is a member of it.
    await go('identity/projects');
    await page.click('[data-testid=create]');
    await page.fill('#field-name', `lab-${lang}`);
    await submit();
    const project = (await api(`/identity/v3/projects?name=lab-${lang}`)).projects[0];
    assert.ok(project, 'the project exists');
    await go('identity/users');
    await page.click('[data-testid=create]');
    await page.fill('#field-name', `alice-${lang}`);
    await page.fill('#field-password', 's3cret');
    await page.locator('#field-project option', { hasText: `lab-${lang}` }).waitFor({ state: 'attached' });
    await page.selectOption('#field-project', { label: `lab-${lang}` });
    await page.selectOption('#field-role', { label: 'member' });
    await shot('user-form');
    await submit();
    const user = (await api(`/identity/v3/users?name=alice-${lang}`)).users[0];
    const assignments = (await api(`/identity/v3/role_assignments?user.id=${user.id}&scope.project.id=${project.id}&include_names=true`)).role_assignments;
    assert.deepEqual(assignments.map((a: any) => a.role.name), ['member']);

    // 4. A flavor.
    await go('admin/flavors');
    await page.click('[data-testid=create]');
    await page.fill('#field-name', `lab.tiny.${lang}`);
    await page.fill('#field-ram', '128');
    await submit();
    const flavor = (await admin.get(`/compute/v2.1/flavors/detail`)).body.flavors.find((f: any) => f.name === `lab.tiny.${lang}`);
    assert.equal(flavor.ram, 128);

    // 5. A network with its subnet; the API drawer shows the CLI line for it.
    await go('project/networks');
    await page.click('[data-testid=create]');
    await page.fill('#field-name', `net-${lang}`);
    await page.fill('#field-cidr', lang === 'en' ? '10.20.0.0/24' : '10.21.0.0/24');
    await page.click('[data-testid=show-api]');
    assert.equal(await page.locator('[data-testid=api-cli] input').first().inputValue(), `openstack network create net-${lang}`);
    await shot('network-api-drawer');
    await submit();
    const net = (await api(`/networking/v2.0/networks?name=net-${lang}`)).networks[0];
    assert.equal(net.subnets.length, 1);

    // 6. A router with its gateway on `public` and an interface on the subnet.
    await go('project/routers');
    await page.click('[data-testid=create]');
    await page.fill('#field-name', `router-${lang}`);
    await page.locator('#field-external option', { hasText: 'public' }).waitFor({ state: 'attached' });
    await page.selectOption('#field-external', { label: 'public' });
    await submit();
    await page.waitForSelector(`[data-testid="row-router-${lang}"]`);
    await rowAction(`router-${lang}`, m['router.addInterface']);
    await page.locator('#field-subnet option', { hasText: `net-${lang}-subnet` }).waitFor({ state: 'attached' });
    await page.selectOption('#field-subnet', { label: (await page.locator('#field-subnet option', { hasText: `net-${lang}-subnet` }).innerText()).trim() });
    await submit();
    const router = (await api(`/networking/v2.0/routers?name=router-${lang}`)).routers[0];
    assert.ok(router.external_gateway_info?.network_id, 'the router has its gateway');
    const ifaces = (await api(`/networking/v2.0/ports?device_id=${router.id}&device_owner=network:router_interface`)).ports;
    assert.equal(ifaces.length, 1);
    await shot('router');

    // 7. ICMP (in English) or SSH (in Korean) allowed in the default security group; the same rule
    // twice is Neutron's 409, shown in the form.
    const [template, protocol, port] = lang === 'en' ? ['ALL ICMP', 'icmp', null] : ['SSH', 'tcp', 22];
    await go('project/security-groups');
    await page.waitForSelector('[data-testid="row-default"]');
    await rowAction('default', m['secgroup.addRule']);
    await page.selectOption('#field-template', template);
    await submit();
    await rowAction('default', m['secgroup.addRule']);
    await page.selectOption('#field-template', template);
    await page.click('button[type=submit][form=resource-form]');
    const shown = await page.locator('[data-testid=error]').innerText();
    assert.match(shown, /Security group rule already exists/);
    assert.match(shown, /HTTP 409/);
    assert.match(shown, /req-[0-9a-f-]{36}/, 'the error names its request id');
    await shot('duplicate-rule-error');
    await page.getByRole('button', { name: m['common.cancel'] }).click();
    const groups = (await api(`/networking/v2.0/security-groups?name=default&project_id=${(await admin.get('/identity/v3/auth/projects')).body.projects.find((p: any) => p.name === 'admin').id}`)).security_groups;
    assert.ok(groups[0].security_group_rules.some((r: any) => r.protocol === protocol && r.port_range_min === port && r.direction === 'ingress'));

    // 8. A key pair, whose private key downloads once.
    await go('project/key-pairs');
    await page.click('[data-testid=create]');
    await page.fill('#field-name', `key-${lang}`);
    const download = page.waitForEvent('download');
    await submit();
    const pem = await (await download).path();
    assert.ok(pem, 'the private key downloaded');
    assert.ok((await api('/compute/v2.1/os-keypairs')).keypairs.some((k: any) => k.keypair.name === `key-${lang}`));

    // 9. A floating IP from `public`.
    await go('project/floating-ips');
    await page.click('[data-testid=create]');
    await page.locator('#field-network option', { hasText: 'public' }).waitFor({ state: 'attached' });
    await page.selectOption('#field-network', { label: 'public' });
    const before = (await api('/networking/v2.0/floatingips')).floatingips.length;
    await submit();
    assert.equal((await api('/networking/v2.0/floatingips')).floatingips.length, before + 1);

    // 10. An image uploaded from a file.
    const imageFile = join(files, `img-${lang}.img`);
    writeFileSync(imageFile, Buffer.alloc(256 * 1024, 7));
    await go('project/images');
    await page.click('[data-testid=create]');
    await page.fill('#field-name', `img-${lang}`);
    await page.setInputFiles('#field-file input[type=file], input[type=file]', imageFile);
    await page.selectOption('#field-format', 'raw');
    await submit();
    const image = await until('the image is active', async () => (await api(`/image/v2/images?name=img-${lang}`)).images.find((i: any) => i.status === 'active'));
    assert.equal(image.size, 256 * 1024);
    await shot('images');

    // 11. An instance on the new network with the key pair.
    await go('project/instances');
    await page.click('[data-testid=create]');
    await page.fill('#field-name', `vm-${lang}`);
    for (const [field, label] of [['image', `img-${lang}`], ['network', `net-${lang}`], ['key', `key-${lang}`]]) {
      await page.locator(`#field-${field} option`, { hasText: label }).waitFor({ state: 'attached' });
      await page.selectOption(`#field-${field}`, { label });
    }
    const flavorLabel = (await page.locator('#field-flavor option', { hasText: `lab.tiny.${lang}` }).innerText()).trim();
    await page.selectOption('#field-flavor', { label: flavorLabel });
    await submit();
    const server = await until('the instance is ACTIVE', async () => (await api(`/compute/v2.1/servers/detail?name=vm-${lang}`)).servers.find((s: any) => s.status === 'ACTIVE'));
    assert.equal(server.key_name, `key-${lang}`);
    await page.getByText('ACTIVE').first().waitFor();
    await shot('instances');

    // 12. A volume and its snapshot; 13. a container with an object.
    await go('project/volumes');
    await page.click('[data-testid=create]');
    await page.fill('#field-name', `vol-${lang}`);
    await submit();
    const volumeApi = `/volume/v3/${server.tenant_id}`;
    await until('the volume is available', async () => (await api(`${volumeApi}/volumes/detail?name=vol-${lang}`)).volumes.find((v: any) => v.status === 'available'));
    await page.reload();
    await page.getByText('available').first().waitFor();
    await rowAction(`vol-${lang}`, m['volume.snapshot']);
    await page.fill('#field-name', `snap-${lang}`);
    await submit();
    await until('the snapshot is available', async () => (await api(`${volumeApi}/snapshots?name=snap-${lang}`)).snapshots.find((s: any) => s.status === 'available'));

    await go('project/containers');
    await page.click('[data-testid=create]');
    await page.fill('#field-name', `cont-${lang}`);
    await submit();
    await page.click(`[data-testid="row-cont-${lang}"] a`);
    await page.waitForURL(`**/project/containers/cont-${lang}`);
    const object = join(files, 'hello.txt');
    writeFileSync(object, `hello from the ${lang} dashboard\n`);
    await page.click('[data-testid=create]');
    await page.setInputFiles('input[type=file]', object);
    await submit();
    await page.waitForSelector('[data-testid="row-hello.txt"]');
    await shot('objects');
    const swift = `/object-store/v1/AUTH_${server.tenant_id}`;
    const got = await admin.get(`${swift}/cont-${lang}/hello.txt`);
    assert.equal(got.body, `hello from the ${lang} dashboard\n`);

    // Log out: the token is revoked.
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem('stratus.session')!).token as string);
    await page.getByRole('button', { name: m['common.logout'] }).click();
    await page.waitForSelector('#login-user');
    assert.equal((await admin.get('/identity/v3/auth/tokens', { 'X-Subject-Token': token })).status, 404);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

/** axe-core's violations of impact serious or critical on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: join(ROOT, 'node_modules', 'axe-core', 'axe.min.js') });
  const violations = await page.evaluate(async () => (await (window as any).axe.run(document, { resultTypes: ['violations'] })).violations as { id: string; impact: string; nodes: { target: string[] }[] }[]);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

test('no page of the dashboard has a serious or critical accessibility violation (axe-core)', { skip, timeout: 120_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const found: string[] = [];
  await page.goto(`${cloud.url}/dashboard/`);
  await page.waitForSelector('#login-user');
  found.push(...(await seriousViolations(page)).map((v) => `login: ${v}`));
  await page.fill('#login-user', 'admin');
  await page.fill('#login-password', 'secret');
  await page.click('button[type=submit]');
  await page.waitForURL('**/project/overview');
  const pages = ['project/overview', 'project/api-access', 'project/instances', 'project/images', 'project/key-pairs', 'project/volumes', 'project/snapshots',
    'project/containers', 'project/server-groups', 'project/backups', 'project/volume-types', 'project/networks', 'project/routers', 'project/security-groups', 'project/floating-ips', 'project/topology',
    'admin/hypervisors', 'admin/aggregates', 'admin/instances', 'admin/flavors', 'admin/volumes', 'admin/networks', 'admin/defaults',
    'identity/domains', 'identity/projects', 'identity/users', 'identity/groups', 'identity/roles', 'identity/application-credentials'];
  for (const p of pages) {
    await page.goto(`${cloud.url}/dashboard/${p}`);
    await page.waitForSelector('h1');
    await page.waitForLoadState('networkidle');
    found.push(...(await seriousViolations(page)).map((v) => `${p}: ${v}`));
  }
  await page.goto(`${cloud.url}/dashboard/project/instances`);
  await page.click('[data-testid=create]');
  await page.waitForSelector('#resource-form');
  await page.click('[data-testid=show-api]');
  found.push(...(await seriousViolations(page)).map((v) => `launch form: ${v}`));
  await context.close();
  assert.deepEqual(found, []);
});

/** A browser page logged in as admin (or as another user). */
async function adminPage(user = 'admin', password = 'secret'): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${cloud.url}/dashboard/`);
  await page.fill('#login-user', user);
  await page.fill('#login-password', password);
  await page.click('button[type=submit]');
  await page.waitForURL('**/project/overview');
  return { page, close: () => context.close() };
}

test('the network topology draws the networks, routers and instances the API lists, linked as the API says', { skip, timeout: 60_000 }, async () => {
  const { page, close } = await adminPage();
  try {
    const projectId = (await admin.get('/identity/v3/auth/tokens', { 'X-Subject-Token': admin.token! })).body.token.project.id;
    await page.goto(`${cloud.url}/dashboard/project/topology`);
    await page.waitForSelector('[data-testid=topology] g');
    await page.waitForLoadState('networkidle');
    const networks = (await api('/networking/v2.0/networks')).networks;
    const routers = (await api('/networking/v2.0/routers')).routers;
    const servers = (await api('/compute/v2.1/servers')).servers;
    const drawn = await page.locator('[data-testid=topology] g').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-id')));
    assert.deepEqual(new Set(drawn), new Set([...networks, ...routers, ...servers].map((x: any) => x.id)));
    const links = await page.locator('[data-testid=topology] line').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-testid')));
    for (const r of routers.filter((x: any) => x.external_gateway_info)) assert.ok(links.includes(`link-${r.id}-${r.external_gateway_info.network_id}`), `router ${r.name} → its gateway network`);
    const ports = (await api('/networking/v2.0/ports')).ports.filter((p: any) => p.device_owner === 'network:router_interface' || p.device_owner.startsWith('compute:'));
    for (const p of ports) assert.ok(links.includes(`link-${p.device_id}-${p.network_id}`), `port ${p.id} is a link`);
    assert.equal(links.length, routers.filter((x: any) => x.external_gateway_info).length + new Set(ports.map((p: any) => `${p.device_id}-${p.network_id}`)).size);
    void projectId;
  } finally { await close(); }
});

test('the API drawer CLI line, run by the real openstack CLI, does what the form does', { skip: skip || (!existsSync('/usr/bin/openstack') && 'the openstack CLI is not installed'), timeout: 90_000 }, async () => {
  // Asynchronously: the cloud runs in this process, and a synchronous child would block it.
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { page, close } = await adminPage();
  try {
    await page.goto(`${cloud.url}/dashboard/identity/projects`);
    await page.click('[data-testid=create]');
    await page.fill('#field-name', 'from-the-drawer');
    await page.click('[data-testid=show-api]');
    const cli = await page.locator('[data-testid=api-cli] input').first().inputValue();
    assert.equal(cli, 'openstack project create from-the-drawer');
    const env = { ...process.env, OS_AUTH_URL: `${cloud.url}/identity`, OS_USERNAME: 'admin', OS_PASSWORD: 'secret', OS_PROJECT_NAME: 'admin', OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_DOMAIN_NAME: 'Default', OS_IDENTITY_API_VERSION: '3' };
    await promisify(execFile)('/bin/sh', ['-c', cli], { env, encoding: 'utf8', timeout: 60_000 });
    assert.equal((await api('/identity/v3/projects?name=from-the-drawer')).projects.length, 1);
    // The form itself now gets Keystone's 409 for the same name, shown with its words.
    await page.click('button[type=submit][form=resource-form]');
    assert.match(await page.locator('[data-testid=error]').innerText(), /Conflict occurred|already exists|Duplicate/i);
  } finally { await close(); }
});

test("a launch over quota shows Nova's own message; the console log opens from the instance's menu", { skip, timeout: 90_000 }, async () => {
  const { page, close } = await adminPage();
  try {
    const projectId = (await admin.get('/identity/v3/auth/tokens', { 'X-Subject-Token': admin.token! })).body.token.project.id;
    // An active image to choose, whether or not the lab ran before this test.
    const image = (await admin.post('/image/v2/images', { name: 'quota-probe', disk_format: 'raw', container_format: 'bare' })).body;
    assert.equal((await admin.put(`/image/v2/images/${image.id}/file`, 'x'.repeat(512), { 'Content-Type': 'application/octet-stream' })).status, 204);
    const used = (await api('/compute/v2.1/servers')).servers.length;
    // With the quota full, the wizard offers no flavor: each says what the quota lacks.
    assert.equal((await admin.put(`/compute/v2.1/os-quota-sets/${projectId}`, { quota_set: { instances: used } })).status, 200);
    await page.goto(`${cloud.url}/dashboard/project/instances`);
    await page.click('[data-testid=create]');
    await page.locator('#field-flavor option:nth-child(2)').waitFor({ state: 'attached' });
    const flavors = await page.locator('#field-flavor option:not([value=""])').evaluateAll((os) => os.map((o) => ({ disabled: (o as HTMLOptionElement).disabled, text: o.textContent ?? '' })));
    assert.ok(flavors.length > 0 && flavors.every((f) => f.disabled && f.text.includes(`✗ ${en['quota.instances']}`)), JSON.stringify(flavors));
    await page.getByRole('button', { name: 'Cancel' }).click();
    // A quota lowered after the form loaded: Nova's own 403 is shown.
    assert.equal((await admin.put(`/compute/v2.1/os-quota-sets/${projectId}`, { quota_set: { instances: used + 1 } })).status, 200);
    await page.goto(`${cloud.url}/dashboard/project/instances`);
    await page.click('[data-testid=create]');
    await page.fill('#field-name', 'one-too-many');
    // NOTE: with several networks Nova refuses an unnamed one (409) before it counts quota: name one.
    const nets = (await api('/networking/v2.0/networks')).networks.length;
    for (const field of nets > 1 ? ['image', 'flavor', 'network'] : ['image', 'flavor']) {
      await page.locator(`#field-${field} option:nth-child(2)`).waitFor({ state: 'attached' });
      await page.selectOption(`#field-${field}`, { index: 1 });
    }
    assert.equal((await admin.put(`/compute/v2.1/os-quota-sets/${projectId}`, { quota_set: { instances: used } })).status, 200);
    await page.click('button[type=submit][form=resource-form]');
    const shown = await page.locator('[data-testid=error]').innerText();
    assert.match(shown, /Quota exceeded for instances/);
    assert.match(shown, /HTTP 403/);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await admin.put(`/compute/v2.1/os-quota-sets/${projectId}`, { quota_set: { instances: 10 } });
    const vm = (await api('/compute/v2.1/servers')).servers[0];
    if (vm) {
      await page.click(`[data-testid="row-${vm.name}"] button[aria-label="Kebab toggle"]`);
      await page.getByRole('menuitem', { name: 'View log', exact: true }).click();
      await page.waitForSelector('[data-testid=view]');
      const log = (await admin.post(`/compute/v2.1/servers/${vm.id}/action`, { 'os-getConsoleOutput': { length: 200 } })).body.output as string;
      await page.waitForFunction((want) => (document.querySelector('[data-testid=view]')?.textContent ?? '').length >= Math.min(want, 1), log.length);
      assert.ok(log.length === 0 || (await page.locator('[data-testid=view]').innerText()).includes(log.split('\n')[0]!));
      // The console action links to the noVNC page of a fresh one-time token.
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.click(`[data-testid="row-${vm.name}"] button[aria-label="Kebab toggle"]`);
      await page.getByRole('menuitem', { name: 'Console', exact: true }).click();
      const href = await page.locator('[data-testid=link]').getAttribute('href');
      assert.match(href ?? '', /\/compute\/novnc\/vnc_lite\.html\?path=compute%2Fnovnc%2Fwebsockify%3Ftoken%3D[0-9a-f]{32}$/);
    }
  } finally { await close(); }
});

test('every instance action from the row menu, each offered only where the state allows it, each checked through the API', { skip, timeout: 240_000 }, async () => {
  const { page, close } = await adminPage();
  const shots = join(ROOT, 'artifacts', 'dashboard-actions');
  mkdirSync(shots, { recursive: true });
  try {
    const projectId = (await admin.get('/identity/v3/auth/tokens', { 'X-Subject-Token': admin.token! })).body.token.project.id;
    await admin.put(`/compute/v2.1/os-quota-sets/${projectId}`, { quota_set: { instances: 20, cores: 40, ram: 51200 } });
    // What the actions need, made through the API: an image, two flavors, two networks, a volume, a floating IP, a group.
    const image = (await admin.post('/image/v2/images', { name: 'act-img', disk_format: 'raw', container_format: 'bare' })).body;
    await admin.put(`/image/v2/images/${image.id}/file`, 'x'.repeat(1024), { 'Content-Type': 'application/octet-stream' });
    for (const [name, ram] of [['act.small', 128], ['act.large', 256]] as const) await admin.post('/compute/v2.1/flavors', { flavor: { name, vcpus: 1, ram, disk: 1 } });
    const nets: Record<string, string> = {};
    for (const [name, cidr] of [['act-net', '10.40.0.0/24'], ['act-net2', '10.41.0.0/24']]) {
      const n = (await admin.post('/networking/v2.0/networks', { network: { name } })).body.network;
      await admin.post('/networking/v2.0/subnets', { subnet: { network_id: n.id, cidr, ip_version: 4, name: `${name}-subnet` } });
      nets[name] = n.id;
    }
    const router = (await admin.post('/networking/v2.0/routers', { router: { name: 'act-router', external_gateway_info: { network_id: (await api('/networking/v2.0/networks?name=public')).networks[0].id } } })).body.router;
    await admin.put(`/networking/v2.0/routers/${router.id}/add_router_interface`, { subnet_id: (await api(`/networking/v2.0/subnets?network_id=${nets['act-net']}`)).subnets[0].id });
    const fip = (await admin.post('/networking/v2.0/floatingips', { floatingip: { floating_network_id: router.external_gateway_info.network_id } })).body.floatingip;
    await admin.post('/networking/v2.0/security-groups', { security_group: { name: 'act-web' } });
    const volumeApi = `/volume/v3/${projectId}`;
    const volume = (await admin.post(`${volumeApi}/volumes`, { volume: { name: 'act-vol', size: 1 } })).body.volume;

    const refresh = () => page.getByRole('button', { name: en['common.refresh'] }).click();
    const submit = async () => {
      await page.click('button[type=submit][form=resource-form]');
      await page.waitForSelector('#resource-form', { state: 'detached', timeout: 30_000 });
    };
    const menu = async (row: string): Promise<string[]> => {
      await page.click(`[data-testid="row-${row}"] button[aria-label="Kebab toggle"]`);
      const items = await page.getByRole('menuitem').allInnerTexts();
      await page.keyboard.press('Escape');
      return items.map((x) => x.trim());
    };
    const open = async (row: string, label: string) => {
      await page.click(`[data-testid="row-${row}"] button[aria-label="Kebab toggle"]`);
      await page.getByRole('menuitem', { name: label, exact: true }).click();
      await page.waitForSelector('#resource-form', { state: 'attached' });
    };
    let vmId = '';
    const vm = async () => (await admin.get(`/compute/v2.1/servers/${vmId}`, { 'OpenStack-API-Version': 'compute 2.79' })).body.server;
    /** Waits for the API to show the server settled in `status` (no task), then for the page to show it. */
    const settled = async (status: string, extra: (s: any) => boolean = () => true) => {
      const s = await until(`act-vm ${status}`, async () => { const x = await vm(); return x.status === status && !x['OS-EXT-STS:task_state'] && extra(x) ? x : undefined; }, 30_000);
      await refresh();
      await page.locator('[data-testid="row-act-vm"]').getByText(status, { exact: true }).waitFor();
      return s;
    };
    const action = async (label: string, status: string, extra?: (s: any) => boolean) => { await open('act-vm', label); await submit(); return settled(status, extra); };

    // A server group, made in its panel.
    await page.goto(`${cloud.url}/dashboard/project/server-groups`);
    await page.click('[data-testid=create]');
    await page.fill('#field-name', 'act-group');
    await page.selectOption('#field-policy', 'affinity');
    await submit();
    const group = (await api('/compute/v2.1/os-server-groups')).server_groups.find((g: any) => g.name === 'act-group');
    assert.deepEqual(group.policies, ['affinity']);

    // Launch: image, the flavor (those over quota cannot be chosen), a network, the default group, metadata, the server group.
    await page.goto(`${cloud.url}/dashboard/project/instances`);
    await page.click('[data-testid=create]');
    await page.fill('#field-name', 'act-vm');
    for (const [field, label] of [['image', 'act-img'], ['network', 'act-net'], ['group', 'act-group']]) {
      await page.locator(`#field-${field} option`, { hasText: label }).first().waitFor({ state: 'attached' });
      await page.selectOption(`#field-${field}`, { label: (await page.locator(`#field-${field} option`, { hasText: label }).first().innerText()).trim() });
    }
    await page.selectOption('#field-flavor', { label: (await page.locator('#field-flavor option', { hasText: 'act.small' }).innerText()).trim() });
    await page.fill('#field-metadata', 'oops');
    assert.match(await page.locator('#field-metadata-helper').innerText(), new RegExp(en['metadata.format']));
    assert.ok(await page.locator('button[type=submit][form=resource-form]').isDisabled(), 'a bad metadata line holds the launch');
    await page.fill('#field-metadata', 'role=lab');
    await page.getByRole('checkbox', { name: 'default' }).waitFor();
    assert.ok(await page.getByRole('checkbox', { name: 'default' }).isChecked(), 'the default group is chosen at first');
    await page.click('[data-testid=show-api]');
    const cli = await page.locator('[data-testid=api-cli] input').first().inputValue();
    assert.match(cli, /^openstack server create --flavor \S+ --image \S+ --network \S+ --security-group default --property role=lab --hint group=\S+ act-vm$/);
    await page.screenshot({ path: join(shots, '01-launch-wizard.png'), fullPage: true });
    await submit();
    vmId = (await until('act-vm is listed', async () => (await api('/compute/v2.1/servers?name=act-vm')).servers[0])).id;
    let s = await settled('ACTIVE');
    assert.deepEqual(s.metadata, { role: 'lab' });
    assert.deepEqual((await api(`/compute/v2.1/os-server-groups/${group.id}`)).server_group.members, [vmId]);

    // What ACTIVE offers, and what it does not.
    const offered = await menu('act-vm');
    for (const k of ['server.stop', 'server.reboot', 'server.rebootHard', 'server.resize', 'server.snapshot', 'server.attachVolume', 'server.attachInterface', 'server.associateFip', 'server.securityGroups', 'server.lock', 'server.rescue', 'server.shelve', 'server.pause', 'server.suspend', 'server.consoleLog', 'server.console', 'server.edit', 'server.rebuild', 'common.delete'] as const) {
      assert.ok(offered.includes(en[k]), `ACTIVE offers ${en[k]} (menu: ${offered.join(', ')})`);
    }
    for (const k of ['server.start', 'server.unpause', 'server.resume', 'server.unrescue', 'server.unshelve', 'server.unlock', 'server.confirmResize', 'server.detachVolume', 'server.disassociateFip'] as const) {
      assert.ok(!offered.includes(en[k]), `ACTIVE does not offer ${en[k]}`);
    }

    // The drawer shows the CLI line of an action before it is sent.
    await open('act-vm', en['server.stop']);
    await page.click('[data-testid=show-api]');
    assert.equal(await page.locator('[data-testid=api-cli] input').first().inputValue(), 'openstack server stop act-vm');
    await submit();
    await settled('SHUTOFF');
    assert.ok(!(await menu('act-vm')).includes(en['server.stop']));
    await action(en['server.start'], 'ACTIVE');
    await action(en['server.reboot'], 'ACTIVE');
    await open('act-vm', en['server.rebootHard']);
    assert.equal(await page.locator('[data-testid=form-description]').innerText(), en['server.rebootHardHelp']);
    await submit();
    await settled('ACTIVE');
    await action(en['server.pause'], 'PAUSED');
    await action(en['server.unpause'], 'ACTIVE');
    await action(en['server.suspend'], 'SUSPENDED');
    await action(en['server.resume'], 'ACTIVE');
    await action(en['server.lock'], 'ACTIVE', (x) => x.locked === true);
    assert.ok((await menu('act-vm')).includes(en['server.unlock']));
    await action(en['server.unlock'], 'ACTIVE', (x) => x.locked === false);

    // Resize, confirmed; then resized back and reverted.
    await open('act-vm', en['server.resize']);
    await page.locator('#field-flavor option', { hasText: 'act.large' }).waitFor({ state: 'attached' });
    assert.equal(await page.locator('#field-flavor option', { hasText: 'act.small' }).count(), 0, 'the current flavor is not offered');
    await page.selectOption('#field-flavor', { label: (await page.locator('#field-flavor option', { hasText: 'act.large' }).innerText()).trim() });
    await submit();
    await settled('VERIFY_RESIZE');
    await page.screenshot({ path: join(shots, '02-verify-resize.png') });
    s = await action(en['server.confirmResize'], 'ACTIVE');
    assert.equal(s.flavor.original_name, 'act.large');
    await open('act-vm', en['server.resize']);
    await page.locator('#field-flavor option', { hasText: 'act.small' }).waitFor({ state: 'attached' });
    await page.selectOption('#field-flavor', { label: (await page.locator('#field-flavor option', { hasText: 'act.small' }).innerText()).trim() });
    await submit();
    await settled('VERIFY_RESIZE');
    s = await action(en['server.revertResize'], 'ACTIVE');
    assert.equal(s.flavor.original_name, 'act.large');

    // A snapshot of the server: an image.
    await open('act-vm', en['server.snapshot']);
    await page.fill('#field-name', 'act-snap');
    await submit();
    await until('the server snapshot image', async () => (await api('/image/v2/images?name=act-snap')).images[0]);
    await settled('ACTIVE');

    // Volume attached, then detached.
    await open('act-vm', en['server.attachVolume']);
    await page.locator('#field-volume option', { hasText: 'act-vol' }).waitFor({ state: 'attached' });
    await page.selectOption('#field-volume', { label: (await page.locator('#field-volume option', { hasText: 'act-vol' }).innerText()).trim() });
    await submit();
    await until('the volume in-use', async () => (await api(`${volumeApi}/volumes/${volume.id}`)).volume.status === 'in-use' || undefined);
    await settled('ACTIVE', (x) => x['os-extended-volumes:volumes_attached'].length === 1);
    await open('act-vm', en['server.detachVolume']);
    await page.locator('#field-volume option', { hasText: 'act-vol' }).waitFor({ state: 'attached' });
    await page.selectOption('#field-volume', volume.id);
    await submit();
    await until('the volume available', async () => (await api(`${volumeApi}/volumes/${volume.id}`)).volume.status === 'available' || undefined);

    // An interface on the second network, then detached.
    await open('act-vm', en['server.attachInterface']);
    await page.locator('#field-network option', { hasText: 'act-net2' }).waitFor({ state: 'attached' });
    await page.selectOption('#field-network', nets['act-net2']!);
    await submit();
    const port2 = await until('a port on act-net2', async () => (await api(`/networking/v2.0/ports?device_id=${vmId}&network_id=${nets['act-net2']}`)).ports[0]);
    await settled('ACTIVE', (x) => Object.keys(x.addresses).includes('act-net2'));
    await open('act-vm', en['server.detachInterface']);
    await page.locator(`#field-port option[value="${port2.id}"]`).waitFor({ state: 'attached' });
    await page.selectOption('#field-port', port2.id);
    await submit();
    await until('the port gone', async () => (await api(`/networking/v2.0/ports?device_id=${vmId}&network_id=${nets['act-net2']}`)).ports.length === 0 || undefined);

    // A floating IP associated, then disassociated.
    await settled('ACTIVE', (x) => !Object.keys(x.addresses).includes('act-net2'));
    await open('act-vm', en['server.associateFip']);
    await page.locator(`#field-fip option[value="${fip.id}"]`).waitFor({ state: 'attached' });
    await page.selectOption('#field-fip', fip.id);
    await page.locator('#field-port option:nth-child(2)').waitFor({ state: 'attached' });
    await page.selectOption('#field-port', { index: 1 });
    await submit();
    assert.ok((await api(`/networking/v2.0/floatingips/${fip.id}`)).floatingip.port_id, 'the floating IP has a port');
    await settled('ACTIVE', (x) => Object.values(x.addresses).flat().some((a: any) => a['OS-EXT-IPS:type'] === 'floating'));
    await open('act-vm', en['server.disassociateFip']);
    await page.locator(`#field-fip option[value="${fip.id}"]`).waitFor({ state: 'attached' });
    await page.selectOption('#field-fip', fip.id);
    await submit();
    assert.equal((await api(`/networking/v2.0/floatingips/${fip.id}`)).floatingip.port_id, null);

    // Security groups: act-web added, default removed.
    await open('act-vm', en['server.securityGroups']);
    await page.getByRole('checkbox', { name: 'act-web' }).check();
    await page.getByRole('checkbox', { name: 'default' }).uncheck();
    await page.click('[data-testid=show-api]');
    assert.deepEqual(await page.locator('[data-testid=api-cli] input').evaluateAll((xs) => xs.map((x) => (x as HTMLInputElement).value)),
      ['openstack server add security group act-vm act-web', 'openstack server remove security group act-vm default']);
    await submit();
    assert.deepEqual((await api(`/compute/v2.1/servers/${vmId}/os-security-groups`)).security_groups.map((g: any) => g.name), ['act-web']);

    // Rescue and unrescue; shelve and unshelve.
    await settled('ACTIVE');
    await action(en['server.rescue'], 'RESCUE');
    assert.deepEqual((await menu('act-vm')).filter((x) => x !== en['server.console'] && x !== en['server.consoleLog']), [en['server.associateFip'], en['server.securityGroups'], en['server.lock'], en['server.unrescue'], en['server.edit'], en['common.delete']]);
    await action(en['server.unrescue'], 'ACTIVE');
    await action(en['server.shelve'], 'SHELVED_OFFLOADED');
    await action(en['server.unshelve'], 'ACTIVE');

    // Edited (its description) and rebuilt from its image.
    await open('act-vm', en['server.edit']);
    assert.equal(await page.inputValue('#field-name'), 'act-vm');
    await page.fill('#field-description', 'walked through every action');
    await submit();
    assert.equal((await vm()).description, 'walked through every action');
    await open('act-vm', en['server.rebuild']);
    await page.locator(`#field-image option[value="${image.id}"]`).waitFor({ state: 'attached' });
    await page.selectOption('#field-image', image.id);
    await submit();
    s = await settled('ACTIVE', (x) => x.image?.id === image.id);

    // The console: the noVNC link where the hypervisor has one, else the console log.
    await open('act-vm', en['server.console']);
    await page.waitForSelector('[data-testid=link], [data-testid=view-fallback]');
    await page.screenshot({ path: join(shots, '03-console.png') });
    await page.getByRole('button', { name: en['common.cancel'] }).click();

    // A reader sees the instance and no action at all.
    const reader = (await admin.post('/identity/v3/users', { user: { name: 'act-reader', password: 'secret', domain_id: 'default' } })).body.user;
    const readerRole = (await api('/identity/v3/roles?name=reader')).roles[0];
    await admin.put(`/identity/v3/projects/${projectId}/users/${reader.id}/roles/${readerRole.id}`);
    const { page: rp, close: closeReader } = await adminPage('act-reader');
    await rp.goto(`${cloud.url}/dashboard/project/instances`);
    await rp.waitForSelector('[data-testid="row-act-vm"]');
    assert.equal(await rp.locator('[data-testid="row-act-vm"] button[aria-label="Kebab toggle"]').count(), 0);
    assert.equal(await rp.locator('[data-testid=create]').count(), 0);
    await closeReader();

    // Deleted.
    await open('act-vm', en['common.delete']);
    await submit();
    await until('act-vm gone', async () => ((await admin.get(`/compute/v2.1/servers/${vmId}`)).status === 404) || undefined, 30_000);
  } finally { await close(); }
});

test('images, volumes, backups and the object store from their menus: edit, share, from a snapshot, extend, back up and restore, folders, public access', { skip, timeout: 180_000 }, async () => {
  const { page, close } = await adminPage();
  try {
    const projectId = (await admin.get('/identity/v3/auth/tokens', { 'X-Subject-Token': admin.token! })).body.token.project.id;
    const other = (await admin.post('/identity/v3/projects', { project: { name: 'share-target', domain_id: 'default' } })).body.project;
    const submit = async () => {
      await page.click('button[type=submit][form=resource-form]');
      await page.waitForSelector('#resource-form', { state: 'detached', timeout: 30_000 });
    };
    const open = async (row: string, label: string) => {
      await page.getByRole('button', { name: en['common.refresh'] }).click();
      await page.click(`[data-testid="row-${row}"] button[aria-label="Kebab toggle"]`);
      await page.getByRole('menuitem', { name: label, exact: true }).click();
      await page.waitForSelector('#resource-form', { state: 'attached' });
    };
    const go = async (panel: string) => { await page.goto(`${cloud.url}/dashboard/${panel}`); await page.waitForSelector('h1'); };

    // An image: edited (name, min RAM), shared with another project, then deleted.
    const image = (await admin.post('/image/v2/images', { name: 'st-img', disk_format: 'raw', container_format: 'bare', visibility: 'private' })).body;
    await admin.put(`/image/v2/images/${image.id}/file`, 'x'.repeat(512), { 'Content-Type': 'application/octet-stream' });
    await go('project/images');
    await open('st-img', en['image.edit']);
    assert.equal(await page.inputValue('#field-name'), 'st-img');
    await page.fill('#field-name', 'st-img-2');
    await page.fill('#field-min_ram', '64');
    await page.click('[data-testid=show-api]');
    assert.equal(await page.locator('[data-testid=api-cli] input').first().inputValue(), `openstack image set --name st-img-2 --min-ram 64 ${image.id}`);
    await submit();
    let got = await api(`/image/v2/images/${image.id}`);
    assert.equal(got.name, 'st-img-2');
    assert.equal(got.min_ram, 64);
    await open('st-img-2', en['image.share']);
    await page.fill('#field-project', 'not-a-project');
    assert.ok(await page.locator('button[type=submit][form=resource-form]').isDisabled(), 'a malformed project id is not sent');
    await page.fill('#field-project', other.id);
    await submit();
    got = await api(`/image/v2/images/${image.id}`);
    assert.equal(got.visibility, 'shared');
    assert.deepEqual((await api(`/image/v2/images/${image.id}/members`)).members.map((m: any) => m.member_id), [other.id]);
    await open('st-img-2', en['image.unshare']);
    await page.locator(`#field-member option[value="${other.id}"]`).waitFor({ state: 'attached' });
    await page.selectOption('#field-member', other.id);
    await submit();
    assert.deepEqual((await api(`/image/v2/images/${image.id}/members`)).members, []);
    await open('st-img-2', en['common.delete']);
    await submit();
    assert.equal((await admin.get(`/image/v2/images/${image.id}`)).status, 404);

    // A volume, its snapshot, a volume from the snapshot, extended; a backup of it, restored, deleted.
    const volumeApi = `/volume/v3/${projectId}`;
    const base = (await admin.post(`${volumeApi}/volumes`, { volume: { name: 'st-base', size: 1 } })).body.volume;
    await until('st-base available', async () => (await api(`${volumeApi}/volumes/${base.id}`)).volume.status === 'available' || undefined);
    const snap = (await admin.post(`${volumeApi}/snapshots`, { snapshot: { volume_id: base.id, name: 'st-snap' } })).body.snapshot;
    await until('st-snap available', async () => (await api(`${volumeApi}/snapshots/${snap.id}`)).snapshot.status === 'available' || undefined);
    await go('project/volumes');
    await page.click('[data-testid=create]');
    await page.fill('#field-name', 'st-from-snap');
    await page.selectOption('#field-source', 'snapshot');
    await page.locator(`#field-snapshot option[value="${snap.id}"]`).waitFor({ state: 'attached' });
    await page.selectOption('#field-snapshot', snap.id);
    await submit();
    const fromSnap = await until('st-from-snap available', async () => (await api(`${volumeApi}/volumes/detail?name=st-from-snap`)).volumes.find((v: any) => v.status === 'available'));
    assert.equal(fromSnap.snapshot_id, snap.id);
    await open('st-from-snap', en['volume.extend']);
    assert.equal(await page.inputValue('#field-size'), '2');
    await page.fill('#field-size', '1');
    assert.match(await page.locator('#field-size-helper').innerText(), new RegExp(en['size.larger']));
    await page.fill('#field-size', '3');
    await submit();
    await until('st-from-snap is 3 GiB', async () => (await api(`${volumeApi}/volumes/${fromSnap.id}`)).volume.size === 3 || undefined);
    await until('st-from-snap available again', async () => (await api(`${volumeApi}/volumes/${fromSnap.id}`)).volume.status === 'available' || undefined);
    await open('st-from-snap', en['backup.create']);
    await page.fill('#field-name', 'st-backup');
    await submit();
    const backup = await until('st-backup available', async () => (await api(`${volumeApi}/backups/detail?name=st-backup`)).backups.find((b: any) => b.status === 'available'));
    assert.equal(backup.volume_id, fromSnap.id);
    await go('project/backups');
    await open('st-backup', en['backup.restore']);
    await page.fill('#field-name', 'st-restored');
    await submit();
    await until('st-restored available', async () => (await api(`${volumeApi}/volumes/detail?name=st-restored`)).volumes.find((v: any) => v.status === 'available'));
    await until('st-backup available again', async () => (await api(`${volumeApi}/backups/${backup.id}`)).backup.status === 'available' || undefined);
    await open('st-backup', en['common.delete']);
    await submit();
    await until('st-backup gone', async () => ((await admin.get(`${volumeApi}/backups/${backup.id}`)).status === 404) || undefined);
    await go('project/volume-types');
    await page.waitForSelector('[data-testid=table] tbody tr');

    // An instance booted from a new volume made from an image, deleted with it.
    const bootImage = (await admin.post('/image/v2/images', { name: 'st-boot', disk_format: 'raw', container_format: 'bare' })).body;
    await admin.put(`/image/v2/images/${bootImage.id}/file`, 'x'.repeat(1024), { 'Content-Type': 'application/octet-stream' });
    await admin.post('/compute/v2.1/flavors', { flavor: { name: 'st.tiny', vcpus: 1, ram: 64, disk: 1 } });
    const stNet = (await admin.post('/networking/v2.0/networks', { network: { name: 'st-net' } })).body.network;
    await admin.post('/networking/v2.0/subnets', { subnet: { network_id: stNet.id, cidr: '10.42.0.0/24', ip_version: 4 } });
    await go('project/instances');
    await page.click('[data-testid=create]');
    await page.fill('#field-name', 'st-bfv');
    await page.locator(`#field-image option[value="${bootImage.id}"]`).waitFor({ state: 'attached' });
    await page.selectOption('#field-image', bootImage.id);
    await page.check('#field-new_volume');
    await page.fill('#field-volume_size', '2');
    await page.check('#field-delete_on_termination');
    await page.locator(`#field-network option[value="${stNet.id}"]`).waitFor({ state: 'attached' });
    await page.selectOption('#field-network', stNet.id);
    await page.selectOption('#field-flavor', { label: (await page.locator('#field-flavor option', { hasText: 'st.tiny' }).innerText()).trim() });
    await submit();
    const bfv = await until('st-bfv ACTIVE', async () => (await api('/compute/v2.1/servers/detail?name=st-bfv')).servers.find((x: any) => x.status === 'ACTIVE'), 60_000);
    assert.equal(bfv.image, '', 'booted from a volume, not the image');
    const [root] = bfv['os-extended-volumes:volumes_attached'];
    const rootVolume = (await api(`${volumeApi}/volumes/${root.id}`)).volume;
    assert.equal(rootVolume.size, 2);
    assert.equal(rootVolume.bootable, 'true');
    await admin.delete(`/compute/v2.1/servers/${bfv.id}`);
    await until('the root volume deleted with its instance', async () => ((await admin.get(`${volumeApi}/volumes/${root.id}`)).status === 404) || undefined, 60_000);

    // A container made public and private again; a folder with an object uploaded into it.
    const swift = `/object-store/v1/AUTH_${projectId}`;
    await admin.put(`${swift}/st-site`);
    await go('project/containers');
    await open('st-site', en['container.makePublic']);
    await submit();
    assert.equal((await admin.head(`${swift}/st-site`)).headers.get('x-container-read'), '.r:*,.rlistings');
    assert.equal((await fetch(`${cloud.url}${swift}/st-site?format=json`)).status, 200, 'listed without a token');
    await open('st-site', en['container.makePrivate']);
    await submit();
    assert.equal((await admin.head(`${swift}/st-site`)).headers.get('x-container-read'), null);
    await page.click('[data-testid="row-st-site"] a');
    await page.click(`[data-testid="more-object.createFolder"]`);
    await page.fill('#field-name', 'docs');
    await submit();
    assert.equal((await admin.get(`${swift}/st-site?format=json`)).body[0].name, 'docs/');
    await page.click('[data-testid="row-docs/"] a');
    await page.waitForURL('**/project/containers/st-site?prefix=docs%2F');
    const file = join(files, 'readme.txt');
    writeFileSync(file, 'in a folder\n');
    await page.click('[data-testid=create]');
    await page.setInputFiles('input[type=file]', file);
    await submit();
    await page.waitForSelector('[data-testid="row-docs/readme.txt"]');
    assert.equal((await admin.get(`${swift}/st-site/docs/readme.txt`)).body, 'in a folder\n');
    assert.deepEqual((await admin.get(`${swift}/st-site?format=json&delimiter=/`)).body.map((o: any) => o.subdir ?? o.name), ['docs/']);
  } finally { await close(); }
});
