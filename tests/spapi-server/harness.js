// Test support: starts server.js in a temporary state dir, speaks HTTPS to it with its CA, stops it.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const https = require('node:https');
const readline = require('node:readline');

const SERVER = path.join(__dirname, 'server.js');

// Resolves to a started server: {port, ca, adminUrl} from its start-up line, and helpers.
// opts.config: object written to a config file; opts.command: argv prefix (e.g. setpriv ...);
// opts.script: the server.js to run (default: this folder's).
async function startServer(opts = {}) {
  // A dir the caller gave is theirs to remove; a temporary one goes with stop().
  const dir = opts.dir || fs.mkdtempSync(path.join(os.tmpdir(), 'spapi-server-'));
  const args = [opts.script || SERVER, '--state-dir', path.join(dir, 'state')];
  if (opts.config) {
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(opts.config));
    args.push('--config', path.join(dir, 'config.json'));
  }
  const [cmd, ...pre] = opts.command || [process.execPath];
  const child = spawn(cmd, [...pre, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const line = await new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${stderr}`)));
  });
  const info = JSON.parse(line);
  const ca = fs.readFileSync(info.ca);
  const agent = new https.Agent({ ca, keepAlive: true });
  // Requests go to the address the server printed, never to a resolved name: `localhost` may
  // resolve to ::1 first (Debian's /etc/hosts) and Node 18 does not fall back to 127.0.0.1.
  const address = new URL(info.admin).hostname;

  // Plain request: resolves {status, headers, text, json()} or rejects on a transport error.
  // `name`: the host name the client asks for (SNI) and checks the certificate against.
  const request = (method, target, { headers = {}, body, name } = {}) => new Promise((resolve, reject) => {
    const req = https.request({ host: address, servername: name, port: info.port, path: target, method, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('aborted', () => reject(new Error('aborted')));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
  const admin = async (method, p, value) => {
    const r = await request(method, `/_admin${p}`, value === undefined ? {} : {
      headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
    return { status: r.status, body: r.json() };
  };
  const lwa = (fields) => request('POST', '/auth/o2/token', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  // Exchanges a refresh token with the default client credentials; returns the access token.
  const token = async (refreshToken) => {
    const r = await lwa({ grant_type: 'refresh_token', refresh_token: refreshToken,
      client_id: 'blazed-test-client', client_secret: 'blazed-test-secret' });
    if (r.status !== 200) throw new Error(`LWA ${r.status}: ${r.text}`);
    return r.json().access_token;
  };
  const get = (target, accessToken) => request('GET', target, { headers: { 'x-amz-access-token': accessToken } });
  const stop = () => new Promise((resolve) => {
    agent.destroy();
    if (child.exitCode !== null) { resolve(child.exitCode); return; }
    child.once('exit', (code, signal) => {
      if (!opts.dir) fs.rmSync(dir, { recursive: true, force: true });
      resolve(code ?? signal);
    });
    child.kill('SIGTERM');
  });
  return { port: info.port, ca: info.ca, adminUrl: info.admin, dir, child, request, admin, lwa, token, get, stop };
}

module.exports = { startServer };
