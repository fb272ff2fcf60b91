import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { bootServer, computeFixture, type ComputeFixture } from '../../support/compute-server.js';

// Remote consoles (2.6+) and the older actions: the URLs Nova's proxies would give, the noVNC page
// and its files, and websockets that refuse tokens that are unknown, of another protocol, or used.

let f: ComputeFixture;
let id: string;
before(async () => { f = await computeFixture('rc.tiny'); id = await bootServer(f, f.demo, 'rc'); });
after(async () => { await f?.cloud.stop(); });

const upgradeStatus = (url: string) => new Promise<number>((resolve) => {
  const ws = new WebSocket(url, ['binary']);
  ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
  ws.on('open', () => { resolve(101); ws.close(); });
  ws.on('error', () => resolve(-1));
});

test('remote-consoles: a noVNC URL and a serial websocket URL; other types are 400; before 2.6 it is 404', async () => {
  const vnc = await f.demo.at('2.6').post(`/servers/${id}/remote-consoles`, { remote_console: { protocol: 'vnc', type: 'novnc' } });
  assert.equal(vnc.status, 200, JSON.stringify(vnc.body));
  assert.deepEqual(Object.keys(vnc.body.remote_console).sort(), ['protocol', 'type', 'url']);
  const url = new URL(vnc.body.remote_console.url);
  assert.equal(url.pathname, '/compute/novnc/vnc_lite.html');
  assert.match(url.searchParams.get('path')!, /^compute\/novnc\/websockify\?token=[0-9a-f]{32}$/);
  const serial = await f.demo.at('2.6').post(`/servers/${id}/remote-consoles`, { remote_console: { protocol: 'serial', type: 'serial' } });
  assert.equal(serial.status, 200);
  assert.match(serial.body.remote_console.url, /^ws:\/\/127\.0\.0\.1:\d+\/compute\/serial\?token=[0-9a-f]{32}$/);
  assert.equal((await f.demo.at('2.6').post(`/servers/${id}/remote-consoles`, { remote_console: { protocol: 'vnc', type: 'serial' } })).status, 400);
  assert.equal((await f.demo.at('2.5').post(`/servers/${id}/remote-consoles`, { remote_console: { protocol: 'vnc', type: 'novnc' } })).status, 404);
  const old = await f.demo.post(`/servers/${id}/action`, { 'os-getVNCConsole': { type: 'novnc' } });
  assert.equal(old.status, 200);
  assert.match(old.body.console.url, /\/compute\/novnc\/vnc_lite\.html\?path=/);
});

test('the noVNC page and its modules are served; nothing outside them', async () => {
  const base = f.cloud.url;
  const page = await fetch(`${base}/compute/novnc/vnc_lite.html?path=x`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type')!, /text\/html/);
  assert.match(await page.text(), /import RFB from '\.\/core\/rfb\.js'/);
  const rfb = await fetch(`${base}/compute/novnc/core/rfb.js`);
  assert.equal(rfb.status, 200);
  assert.match(rfb.headers.get('content-type')!, /javascript/);
  for (const bad of ['package.json', 'core/../../../package.json', 'docs/API.md', 'core/nothing.js']) {
    assert.equal((await fetch(`${base}/compute/novnc/${bad}`)).status, 404, bad);
  }
});

test('console websockets refuse unknown tokens, tokens of the other protocol, and tokens already used', async () => {
  const ws = f.cloud.url.replace(/^http/, 'ws');
  assert.equal(await upgradeStatus(`${ws}/compute/novnc/websockify?token=nope`), 401);
  const serial = (await f.demo.at('2.6').post(`/servers/${id}/remote-consoles`, { remote_console: { protocol: 'serial', type: 'serial' } })).body.remote_console.url;
  const token = new URL(serial).searchParams.get('token');
  assert.equal(await upgradeStatus(`${ws}/compute/novnc/websockify?token=${token}`), 401, 'a serial token does not open VNC');
  assert.equal(await upgradeStatus(serial), 401, 'the token is used up by the first attempt');
});
