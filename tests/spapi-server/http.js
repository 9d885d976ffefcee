// HTTP plumbing shared by every route: request ids, JSON replies, SP-API error bodies, body reading.
'use strict';
const crypto = require('node:crypto');

// Starts every reply with the header Amazon puts on every response.
function begin(res) {
  const id = crypto.randomUUID();
  res.setHeader('x-amzn-RequestId', id);
  return id;
}

// Sends a JSON text (already serialized) with its exact length.
function sendText(res, status, text, headers = {}) {
  if (res.headersSent || res.destroyed) return;
  const body = Buffer.from(text, 'utf8');
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': body.length,
    ...headers,
  });
  res.end(body);
}

function sendJson(res, status, value, headers = {}) {
  sendText(res, status, JSON.stringify(value), headers);
}

// The SP-API error list shape: {"errors":[{"code","message","details"?}]}.
function errorList(code, message, details) {
  const e = { code, message };
  if (details !== undefined) e.details = details;
  return { errors: [e] };
}

// An expected client mistake, carried as a value up to the route that answers it.
class ApiError {
  constructor(status, code, message, details) {
    Object.assign(this, { status, code, message, details });
  }
  body() { return errorList(this.code, this.message, this.details); }
}
const invalidInput = (message) => new ApiError(400, 'InvalidInput', message);

// Reads a request body up to a limit; resolves to a Buffer, or null when it is too large.
function readBody(req, limit = 1 << 20) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// Query parameters as name -> list of values; repeated names and comma lists (Swagger csv) both count.
function queryLists(searchParams) {
  const out = new Map();
  for (const [k, v] of searchParams) {
    const list = out.get(k) || [];
    list.push(...v.split(','));
    out.set(k, list);
  }
  return out;
}

// decodeURIComponent that answers null instead of throwing on a bad %-sequence.
function decodePart(text) {
  try { return decodeURIComponent(text); } catch { return null; }
}

// A single-valued parameter as given (list re-joined), or undefined when absent.
const one = (query, name) => (query.has(name) ? query.get(name).join(',') : undefined);

module.exports = { decodePart, one, begin, sendText, sendJson, errorList, ApiError, invalidInput, readBody, queryLists };
