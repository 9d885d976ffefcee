// Entry point of the local SP-API test server: arguments, certificates, one HTTPS listener for
// SP-API, LWA and the admin API, the start-up line on stdout, and a clean stop on SIGTERM.
'use strict';
const fs = require('node:fs');
const https = require('node:https');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { execFile } = require('node:child_process');
const { ensureCerts } = require('./certs');
const { loadFixtures } = require('./fixtures');
const { State } = require('./state');
const { begin, sendJson, errorList } = require('./http');
const { handleToken } = require('./lwa');
const { handleSpApi } = require('./spapi');
const { handleAdmin } = require('./admin');

function usage(message) {
  process.stderr.write(`spapi-server: ${message}\n`
    + 'usage: node server.js --state-dir DIR [--port N] [--host 127.0.0.1] [--config FILE.json] [--models DIR]\n');
  process.exit(2);
}

// Under a NOTIFY_SOCKET (the C++ test harness plays systemd), also send READY=1 with the start-up
// line as STATUS, so a waiter wakes on the event. Node has no Unix datagram socket: systemd-notify.
function notifyReady(line) {
  if (!process.env.NOTIFY_SOCKET) return;
  execFile('systemd-notify', ['--ready', '--no-block', `--status=${line}`], (e) => {
    if (e) process.stderr.write(`spapi-server: systemd-notify failed: ${e.message}\n`);
  });
}

function main() {
  let args;
  try {
    args = parseArgs({ options: {
      'state-dir': { type: 'string' }, port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' }, config: { type: 'string' }, models: { type: 'string' },
    } }).values;
  } catch (e) { return usage(e.message); }
  if (!args['state-dir']) return usage('--state-dir is required');
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usage('--port must be 0..65535');

  const stateDir = path.resolve(args['state-dir']);
  const certs = ensureCerts(stateDir);
  const state = new State({ configFile: args.config && path.resolve(args.config), fixtures: loadFixtures(args.models) });

  const server = https.createServer({ key: fs.readFileSync(certs.key), cert: fs.readFileSync(certs.cert) },
    (req, res) => {
      begin(res);
      // Everything, URL parsing included, runs inside the promise so any throw becomes a 500.
      Promise.resolve().then(() => {
        const url = new URL(req.url, 'https://localhost');
        if (url.pathname === '/_admin' || url.pathname.startsWith('/_admin/')) return handleAdmin(state, req, res, url);
        if (url.pathname === '/auth/o2/token') return handleToken(state, req, res);
        return handleSpApi(state, req, res, url);
      }).catch((e) => {
        process.stderr.write(`spapi-server: ${req.method} request failed: ${e.stack || e}\n`);
        if (!res.headersSent) sendJson(res, 500, errorList('InternalFailure', 'We encountered an internal error. Please try again.'));
        else res.destroy();
      });
    });
  server.keepAliveTimeout = 30000;
  server.listen(port, args.host, () => {
    const p = server.address().port;
    const line = JSON.stringify({ port: p, ca: certs.ca, admin: `https://127.0.0.1:${p}/_admin` });
    process.stdout.write(`${line}\n`);
    notifyReady(line);
  });

  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
