import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type CliResult, issueToken, openstack, osEnv, removeDir, startServer, stratus, type StratusServer, tempDir,
} from '../support/server.js';

// The identity service as a DevStack user meets it: the real server (`stratus up`) driven by the
// real `openstack` CLI, then stopped and started again on the same data dir.

const PASSWORD = 'e2e-Admin-pw';
const dataDir = tempDir();
let server: StratusServer;
let admin: Record<string, string>;

before(async () => {
  server = await startServer({ dataDir, adminPassword: PASSWORD });
  admin = osEnv(server.authUrl, 'admin', PASSWORD);
});
after(async () => {
  await server?.stop();
  removeDir(dataDir);
});

/** The CLI's result, asserting it succeeded (its stderr in the message when not). */
async function ok(args: string[], env = admin): Promise<CliResult> {
  const r = await openstack(args, env);
  assert.equal(r.code, 0, `openstack ${args.join(' ')} failed:\n${r.stderr}`);
  return r;
}

const SEEDED_USERS = ['admin', 'demo', 'alt_demo', 'nova', 'glance', 'neutron', 'cinder', 'placement', 'swift'];

let appCred: { id: string; secret: string };
let adminIds: { user_id: string; project_id: string };

// NOTE: read-only checks run side by side: each CLI call is a second or two of Python start-up.
describe('a fresh cloud, seen by the openstack CLI', { concurrency: true }, () => {
  test('token issue', async () => {
    const { json } = await ok(['token', 'issue', '-f', 'json']);
    assert.match(json.id, /^gAAAAA/, 'a Fernet token');
    assert.match(json.user_id, /^[0-9a-f]{32}$/);
    assert.match(json.project_id, /^[0-9a-f]{32}$/);
    assert.ok(Date.parse(json.expires) > Date.now());
    adminIds = { user_id: json.user_id, project_id: json.project_id };
  });

  test('user list shows the seeded people and service users', async () => {
    const { json } = await ok(['user', 'list', '-f', 'json']);
    const names = json.map((u: { Name: string }) => u.Name);
    for (const name of SEEDED_USERS) assert.ok(names.includes(name), `${name} in ${names}`);
  });

  test('catalog list shows keystone with public, internal and admin endpoints in RegionOne', async () => {
    const { json } = await ok(['catalog', 'list', '-f', 'json']);
    const identity = json.find((s: { Type: string }) => s.Type === 'identity');
    assert.ok(identity, JSON.stringify(json));
    assert.equal(identity.Name, 'keystone');
    const interfaces = identity.Endpoints.map((e: { interface: string }) => e.interface).sort();
    assert.deepEqual(interfaces, ['admin', 'internal', 'public']);
    for (const e of identity.Endpoints) {
      assert.equal(e.region, 'RegionOne');
      assert.equal(e.url, server.authUrl);
    }
  });

  test('a member (demo) may not create users: HTTP 403', async () => {
    const r = await openstack(['user', 'create', '--password', 'x-Pass-1', 'mallory'], osEnv(server.authUrl, 'demo', PASSWORD));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /HTTP 403/);
    assert.match(r.stderr, /identity:create_user/);
    const { token } = await issueToken(server.localUrl, 'admin', PASSWORD, 'admin');
    const users = await fetch(`${server.localUrl}/identity/v3/users?name=mallory`, { headers: { 'X-Auth-Token': token! } });
    assert.deepEqual((await users.json()).users, [], 'nothing was created');
  });

  test('malformed JSON to /v3/auth/tokens is a 400 in Keystone\'s error body', async () => {
    const res = await fetch(`${server.localUrl}/identity/v3/auth/tokens`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"auth": {"identity": ',
    });
    assert.equal(res.status, 400);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const body = await res.json();
    assert.deepEqual(Object.keys(body), ['error']);
    assert.equal(body.error.code, 400);
    assert.equal(body.error.title, 'Bad Request');
    assert.equal(typeof body.error.message, 'string');
    assert.ok(body.error.message.length > 0);
  });

  test('stratus status reports identity ready', async () => {
    const r = await stratus(['status', '--port', String(server.port)]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /: ok$/m);
    assert.match(r.stdout, /^\s+identity\s+ready$/m);
  });
});

describe('the identity lab with the openstack CLI', () => {
  test('the identity lab: domain, project, user, group, role, assignment', async () => {
    const domain = (await ok(['domain', 'create', '--description', 'e2e lab', 'lab', '-f', 'json'])).json;
    assert.equal(domain.name, 'lab');
    assert.equal(domain.enabled, true);

    const project = (await ok(['project', 'create', '--domain', 'lab', 'research', '-f', 'json'])).json;
    assert.equal(project.domain_id, domain.id);
    assert.equal(project.name, 'research');

    const user = (await ok(['user', 'create', '--domain', 'lab', '--password', 's3cret-Alice', 'alice', '-f', 'json'])).json;
    assert.equal(user.domain_id, domain.id);
    assert.ok(!('password' in user));

    const group = (await ok(['group', 'create', '--domain', 'lab', 'researchers', '-f', 'json'])).json;
    assert.equal(group.domain_id, domain.id);
    await ok(['group', 'add', 'user', '--group-domain', 'lab', '--user-domain', 'lab', 'researchers', 'alice']);
    const contains = await ok(['group', 'contains', 'user', '--group-domain', 'lab', '--user-domain', 'lab', 'researchers', 'alice']);
    assert.match(contains.stdout, /alice in group researchers/);

    const role = (await ok(['role', 'create', 'lab_analyst', '-f', 'json'])).json;
    assert.equal(role.name, 'lab_analyst');
    const added = await ok(['role', 'add', '--project', 'research', '--project-domain', 'lab', '--user', 'alice', '--user-domain', 'lab', 'lab_analyst']);
    assert.equal(added.stdout, '');

    const { json } = await ok(['role', 'assignment', 'list', '--names', '--project', 'research', '--project-domain', 'lab', '-f', 'json']);
    assert.deepEqual(
      json.map((a: Record<string, unknown>) => [a.Role, a.User, a.Project, a.Inherited]),
      [['lab_analyst', 'alice@lab', 'research@lab', false]],
    );
  });

  test('alice logs in to her project in her domain with the CLI', async () => {
    const { json } = await ok(['token', 'issue', '-f', 'json'], {
      ...osEnv(server.authUrl, 'alice', 's3cret-Alice', 'research'), OS_USER_DOMAIN_NAME: 'lab', OS_PROJECT_DOMAIN_NAME: 'lab',
    });
    assert.match(json.id, /^gAAAAA/);
  });

  test('application credential create, then authenticate with it', async () => {
    const { json } = await ok(['application', 'credential', 'create', '--description', 'for CI', 'ci-bot', '-f', 'json']);
    assert.equal(json.name, 'ci-bot');
    assert.equal(json.project_id, adminIds.project_id);
    assert.ok(json.secret.length >= 32);
    appCred = { id: json.id, secret: json.secret };

    const viaCred = await ok(['token', 'issue', '-f', 'json'], {
      OS_AUTH_URL: server.authUrl,
      OS_AUTH_TYPE: 'v3applicationcredential',
      OS_APPLICATION_CREDENTIAL_ID: appCred.id,
      OS_APPLICATION_CREDENTIAL_SECRET: appCred.secret,
      OS_IDENTITY_API_VERSION: '3',
    });
    assert.equal(viaCred.json.user_id, adminIds.user_id);
    assert.equal(viaCred.json.project_id, adminIds.project_id);

    const wrong = await openstack(['token', 'issue', '-f', 'json'], {
      OS_AUTH_URL: server.authUrl,
      OS_AUTH_TYPE: 'v3applicationcredential',
      OS_APPLICATION_CREDENTIAL_ID: appCred.id,
      OS_APPLICATION_CREDENTIAL_SECRET: 'not-the-secret',
      OS_IDENTITY_API_VERSION: '3',
    });
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /HTTP 401/);
  });

});

describe('restart', () => {
  test('a restart on the same data dir keeps users, projects, credentials and issued tokens', async () => {
    const before = await issueToken(server.localUrl, 'admin', PASSWORD, 'admin');
    assert.equal(before.status, 201);
    const tokenBeforeRestart = before.token!;
    const port = server.port;

    assert.equal(await server.stop(), 0, `exit code after SIGTERM; output:\n${server.output()}`);
    const down = await stratus(['status', '--port', String(port)]);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /not answering/);

    server = await startServer({ dataDir, adminPassword: PASSWORD, port });

    // The token issued before the restart still validates (Fernet keys live in the data dir).
    const fresh = await issueToken(server.localUrl, 'admin', PASSWORD, 'admin');
    const check = await fetch(`${server.localUrl}/identity/v3/auth/tokens`, {
      headers: { 'X-Auth-Token': fresh.token!, 'X-Subject-Token': tokenBeforeRestart },
    });
    assert.equal(check.status, 200);
    assert.equal(check.headers.get('x-subject-token'), tokenBeforeRestart);
    const validated = (await check.json()).token;
    assert.equal(validated.user.name, 'admin');
    assert.equal(validated.project.name, 'admin');

    // What the lab created is still there, seen through the CLI.
    const users = (await ok(['user', 'list', '--domain', 'lab', '-f', 'json'])).json;
    assert.deepEqual(users.map((u: { Name: string }) => u.Name), ['alice']);
    const projects = (await ok(['project', 'list', '--domain', 'lab', '-f', 'json'])).json;
    assert.deepEqual(projects.map((p: { Name: string }) => p.Name), ['research']);

    // And the application credential still authenticates.
    const viaCred = await fetch(`${server.localUrl}/identity/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ auth: { identity: { methods: ['application_credential'], application_credential: appCred } } }),
    });
    assert.equal(viaCred.status, 201);
  });
});
