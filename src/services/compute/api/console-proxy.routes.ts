// Nova's console proxies in the compute service: the noVNC page and its files under
// /compute/novnc/ (noVNC's own core modules, from npm @novnc/novnc), and two websockets that check
// a console URL's one-time token, as nova-novncproxy and nova-serialproxy do, then carry bytes
// between the browser and the guest's VNC server or serial console.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, Server } from 'node:http';
import { createRequire } from 'node:module';
import { createConnection } from 'node:net';
import { dirname, extname, join, normalize } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RouteSpec } from '../../../core/http/service-plugin.js';
import type { ComputeDomain } from '../domain/compute-domain.js';

// NOTE: the package exports only core/rfb.js; its directory is two levels up.
const NOVNC_DIR = dirname(dirname(createRequire(import.meta.url).resolve('@novnc/novnc')));
const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.html': 'text/html; charset=utf-8', '.json': 'application/json' };

export const VNC_SOCKET_PATH = '/compute/novnc/websockify';
export const SERIAL_SOCKET_PATH = '/compute/serial';

/** The page a VNC console URL opens: noVNC's RFB client on the websocket named by `path`. */
const PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>noVNC</title>
<style>
body { margin: 0; background: #282828; color: #fff; font: 13px sans-serif; display: flex; flex-direction: column; height: 100vh; }
#status { padding: 6px 10px; background: #494949; }
#screen { flex: 1; overflow: hidden; }
button { margin-left: 12px; }
</style></head>
<body><div id="status" role="status">Connecting...</div><div id="screen"></div>
<script type="module">
import RFB from './core/rfb.js';
const params = new URLSearchParams(location.search);
const path = params.get('path') ?? 'compute/novnc/websockify';
const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/' + path.replace(/^\\//, '');
const status = document.getElementById('status');
const rfb = new RFB(document.getElementById('screen'), url);
rfb.scaleViewport = true;
rfb.addEventListener('connect', () => {
  status.textContent = 'Connected (unencrypted) to: ' + (rfb._fbName || 'QEMU');
  const cad = document.createElement('button'); cad.textContent = 'Send CtrlAltDel'; cad.onclick = () => rfb.sendCtrlAltDel();
  status.append(cad);
});
rfb.addEventListener('desktopname', (e) => { status.firstChild.textContent = 'Connected (unencrypted) to: ' + e.detail.name; });
rfb.addEventListener('disconnect', (e) => { status.textContent = e.detail.clean ? 'Disconnected' : 'Something went wrong, connection is closed'; });
window.rfb = rfb;
</script></body></html>
`;

export function consoleProxyRoutes(): RouteSpec[] {
  return [
    {
      method: 'GET', url: '/novnc/vnc_lite.html', auth: 'none',
      handler: async (req) => { req.reply.type(TYPES['.html']!); return PAGE; },
    },
    {
      method: 'GET', url: '/novnc/*', auth: 'none',
      handler: async (req) => {
        const rel = normalize(String((req.params as Record<string, string>)['*'])).replace(/^(\.\.(\/|$))+/, '');
        const file = join(NOVNC_DIR, rel);
        const type = TYPES[extname(file)];
        if (!type || !file.startsWith(`${NOVNC_DIR}/`) || !/^(core|vendor)\//.test(rel)) { req.reply.code(404); return ''; }
        const body = await readFile(file).catch(() => undefined);
        if (!body) { req.reply.code(404); return ''; }
        req.reply.type(type);
        return body;
      },
    },
  ];
}

/**
 * The console websockets on the HTTP server: a request to VNC_SOCKET_PATH or SERIAL_SOCKET_PATH
 * with a valid `token` is joined to the guest's socket (binary frames both ways); any other
 * token gets a 401 before the upgrade, as websockify's token plugin answers.
 */
export function attachConsoleWebsockets(server: Server, d: ComputeDomain): void {
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => (offered.has('binary') ? 'binary' : false) });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const kind = url.pathname === VNC_SOCKET_PATH ? 'vnc' : url.pathname === SERIAL_SOCKET_PATH ? 'serial' : undefined;
    if (!kind) return;
    void d.openConsoleStream(url.searchParams.get('token') ?? '', kind).then((path) => {
      if (!path) { socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'); return; }
      wss.handleUpgrade(req, socket, head, (ws) => bridge(ws, path));
    }, () => socket.destroy());
  });
}

function bridge(ws: WebSocket, path: string): void {
  const guest = createConnection(path);
  guest.on('data', (chunk) => { if (ws.readyState === ws.OPEN) ws.send(chunk, { binary: true }); });
  ws.on('message', (data: Buffer, isBinary: boolean) => { guest.write(isBinary ? data : Buffer.from(data.toString(), 'utf8')); });
  const end = () => { guest.destroy(); if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(); };
  guest.on('error', end);
  guest.on('close', end);
  ws.on('close', end);
  ws.on('error', end);
}
