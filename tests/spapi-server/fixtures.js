// Amazon's static sandbox cases from the models, and matching a request against them.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const json = require('./json');

// Amazon's models, copied into the repository as test data (models/README.md);
// SPAPI_MODELS_DIR or --models overrides.
const MODELS_DIR = path.resolve(__dirname, 'models');

// The operations served from fixtures: model file, path template, method.
const OPERATIONS = [
  { operation: 'searchOrders', model: 'orders_2026-01-01.json', path: '/orders/2026-01-01/orders', method: 'get' },
  { operation: 'getOrder', model: 'orders_2026-01-01.json', path: '/orders/2026-01-01/orders/{orderId}', method: 'get' },
  { operation: 'listTransactions', model: 'finances_2024-06-19.json', path: '/finances/2024-06-19/transactions', method: 'get' },
];

// Reads the models (lossless, so numbers keep their text) and flattens every static case.
function loadFixtures(modelsDir = process.env.SPAPI_MODELS_DIR || MODELS_DIR) {
  const models = new Map();
  const out = [];
  for (const op of OPERATIONS) {
    if (!models.has(op.model)) models.set(op.model, json.parse(fs.readFileSync(path.join(modelsDir, op.model), 'utf8')));
    const responses = models.get(op.model).paths[op.path][op.method].responses;
    for (const [status, r] of Object.entries(responses)) {
      const cases = (r['x-amzn-api-sandbox'] && r['x-amzn-api-sandbox'].static) || [];
      for (const c of cases) {
        const parameters = {};
        for (const [name, p] of Object.entries(c.request.parameters)) parameters[name] = p.value;
        out.push({ operation: op.operation, method: op.method.toUpperCase(), pathTemplate: op.path,
          status: Number(status), parameters, response: c.response, ...target(op.path, parameters) });
      }
    }
  }
  return out;
}

// The concrete request for a case: path with path parameters filled in, and a csv query string.
function target(template, parameters) {
  let p = template;
  const query = [];
  // Keeps ':' and the csv commas literal so a target stays readable.
  const enc = (v) => encodeURIComponent(v).replace(/%3A/gi, ':');
  for (const [name, value] of Object.entries(parameters)) {
    if (p.includes(`{${name}}`)) p = p.replace(`{${name}}`, enc(value));
    else query.push(`${enc(name)}=${Array.isArray(value) ? value.map(enc).join(',') : enc(value)}`);
  }
  const q = query.join('&');
  return { path: p, target: q ? `${p}?${q}` : p };
}

const sameValue = (want, got) => {
  if (!got) return false;
  if (Array.isArray(want)) {
    const a = [...want].sort(); const b = [...got].sort();
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }
  return got.length === 1 && got[0] === want;
};

// Picks the case whose parameters all appear in the request with equal values (arrays as sets);
// extra request parameters are ignored and the case naming the most parameters wins.
// params: Map name -> list of values (path parameters included).
function match(fixtures, operation, params) {
  let best = null;
  for (const f of fixtures) {
    if (f.operation !== operation) continue;
    const names = Object.keys(f.parameters);
    if (!names.every((n) => sameValue(f.parameters[n], params.get(n)))) continue;
    if (!best || names.length > Object.keys(best.parameters).length) best = f;
  }
  return best;
}

// What /_admin/fixtures lists; serialized with json.stringify so numbers keep the model's text.
function listing(fixtures) {
  return fixtures.map((f) => ({ operation: f.operation, method: f.method, path: f.path, target: f.target,
    parameters: f.parameters, status: f.status, response: f.response }));
}

module.exports = { loadFixtures, match, listing, OPERATIONS, MODELS_DIR };
