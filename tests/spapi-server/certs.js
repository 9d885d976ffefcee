// The test CA and the server certificate (localhost, 127.0.0.1), made with the openssl CLI in the state dir.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

// Runs openssl with a neutral environment: no RANDFILE or HOME writes, works as root or not.
function openssl(dir, args) {
  execFileSync('openssl', args, {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH || '/usr/bin:/bin', HOME: dir, RANDFILE: path.join(dir, '.rnd') },
  });
}

// Returns {ca, key, cert} paths; reuses a complete set already in dir.
function ensureCerts(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const files = {
    ca: path.join(dir, 'ca.pem'),
    caKey: path.join(dir, 'ca.key'),
    key: path.join(dir, 'server.key'),
    cert: path.join(dir, 'server.pem'),
  };
  if ([files.ca, files.key, files.cert].every((f) => fs.existsSync(f))) return files;

  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30',
    '-subj', '/CN=blazed SP-API test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(dir, ['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  fs.writeFileSync(path.join(dir, 'server.ext'), [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '',
  ].join('\n'));
  // A random serial instead of -CAcreateserial: no serial file to race on.
  const serial = `0x${require('node:crypto').randomBytes(8).toString('hex')}`;
  openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key',
    '-set_serial', serial, '-days', '30', '-extfile', 'server.ext', '-out', 'server.pem']);
  fs.rmSync(path.join(dir, 'server.csr'));
  fs.rmSync(path.join(dir, 'server.ext'));
  return files;
}

module.exports = { ensureCerts };
