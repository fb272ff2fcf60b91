// The metadata proxy, run inside a qdhcp- namespace: listens on 169.254.169.254:80 and forwards each
// request to the driver's UNIX socket (which relays to the compute metadata service), adding who
// asked. Plain JS so that it runs the same from src/ (tsx) and next to the bundle.
// Usage: node metadata-proxy.mjs --network <id>  (the rest comes from the environment).
import { writeFileSync } from 'node:fs';
import http from 'node:http';

const env = process.env;
const networkId = process.argv[process.argv.indexOf('--network') + 1];
const socketPath = env.STRATUS_METADATA_SOCKET;
const secret = env.STRATUS_METADATA_SECRET ?? '';
const prefix = env.STRATUS_METADATA_PATH_PREFIX ?? '';
const SPOOFABLE = ['x-forwarded-for', 'x-neutron-network-id', 'x-neutron-router-id', 'x-metadata-secret', 'x-instance-id', 'x-tenant-id', 'x-instance-id-signature'];

const server = http.createServer((req, res) => {
  const headers = { ...req.headers };
  for (const h of SPOOFABLE) delete headers[h];
  headers['x-forwarded-for'] = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  headers['x-neutron-network-id'] = networkId;
  headers['x-metadata-secret'] = secret;
  const upstream = http.request({ socketPath, method: req.method, path: `${prefix}${req.url}`, headers }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  upstream.on('error', (err) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`metadata service unavailable: ${err.message}\n`);
  });
  req.pipe(upstream);
});

// NOTE: a client may half-close after its request (busybox nc does, on the end of its stdin); as
// haproxy in Neutron's proxy, answer it anyway instead of dropping the request (Node's default).
server.httpAllowHalfOpen = true;

server.listen(Number(env.STRATUS_METADATA_PORT ?? 80), env.STRATUS_METADATA_LISTEN ?? '169.254.169.254', () => {
  // NOTE: the pid file appears only once listening, so the driver knows the proxy is ready.
  if (env.STRATUS_METADATA_PID_FILE) writeFileSync(env.STRATUS_METADATA_PID_FILE, String(process.pid));
});
server.on('error', (err) => { process.stderr.write(`metadata proxy: ${err.message}\n`); process.exit(1); });
process.on('SIGTERM', () => process.exit(0));
