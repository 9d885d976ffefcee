// Start-up line, certificates for localhost and 127.0.0.1, non-root operation, clean SIGTERM stop.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServer } = require('../harness');

test('prints one JSON line, serves both host names with its CA, stops on SIGTERM', async (t) => {
  const srv = await startServer();
  t.after(() => srv.stop());  // a failed assertion must not leave the server (and the run) hanging
  assert.ok(Number.isInteger(srv.port) && srv.port > 0);
  assert.equal(srv.adminUrl, `https://127.0.0.1:${srv.port}/_admin`);
  assert.ok(fs.existsSync(srv.ca));
  // The certificate is checked for each name; the connection goes to the printed address.
  for (const name of [undefined, 'localhost']) {
    const r = await srv.request('GET', '/_admin/health', { name });
    assert.equal(r.status, 200);
  }
  assert.equal((await srv.request('GET', '/nowhere')).status, 404);
  assert.equal(await srv.stop(), 0);
  assert.equal(fs.existsSync(srv.dir), false);
});

test('bad arguments exit 2; a restart reuses the state dir CA, another dir gets its own', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spapi-line-'));
  // --port with a bad value is refused at start-up with exit code 2.
  const bad = spawnSync(process.execPath, [path.join(__dirname, '..', 'server.js'), '--state-dir', dir, '--port', 'x']);
  assert.equal(bad.status, 2);
  const srv = await startServer({ dir });
  assert.equal(srv.ca, path.join(dir, 'state', 'ca.pem'));
  // A restart reuses the CA, so clients configured with it keep working.
  const ca = fs.readFileSync(srv.ca, 'utf8');
  assert.equal(await srv.stop(), 0);
  const again = await startServer({ dir });
  assert.equal(fs.readFileSync(again.ca, 'utf8'), ca);
  assert.equal(await again.stop(), 0);
  const other = await startServer();
  assert.notEqual(fs.readFileSync(other.ca, 'utf8'), ca);
  assert.equal(await other.stop(), 0);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('runs as an unprivileged user (openssl included)', { skip: process.getuid() !== 0 && 'already not root' }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spapi-nobody-'));
  // nobody cannot read a checkout under /root (0700), and opening up the user's home is not ours
  // to do: run a copy of the server (all it needs is its own files) from the test's directory.
  const script = path.join(dir, 'server', 'server.js');
  fs.cpSync(path.join(__dirname, '..'), path.dirname(script),
    { recursive: true, filter: (src) => path.basename(src) !== 'test' });
  execFileSync('chown', ['-R', '65534:65534', dir]);
  const srv = await startServer({ dir, script, command: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] });
  t.after(() => srv.stop());
  assert.equal(fs.statSync(path.join(dir, 'state', 'server.key')).uid, 65534);
  assert.equal((await srv.request('GET', '/_admin/health')).status, 200);
  assert.equal(await srv.stop(), 0);
  fs.rmSync(dir, { recursive: true, force: true });
});
