// Injected faults and latency (admin API): which request they hit, how many times, what they do.
'use strict';

const KINDS = ['status', 'throttle', 'truncate', 'malformed', 'oversize', 'latency'];
const DEFAULT_OVERSIZE = 20 * 1024 * 1024;

// Checks and normalizes a fault spec; returns {fault} or {error}.
function normalize(spec) {
  if (!spec || typeof spec !== 'object') return { error: 'fault must be an object' };
  const f = { kind: spec.kind };
  if (!KINDS.includes(f.kind)) return { error: `kind: one of ${KINDS.join(', ')}` };
  if (spec.sellerId !== undefined) {
    if (typeof spec.sellerId !== 'string') return { error: 'sellerId: string' };
    f.sellerId = spec.sellerId;
  }
  if (spec.operation !== undefined) {
    if (!['searchOrders', 'getOrder', 'listTransactions', 'lwa'].includes(spec.operation)) {
      return { error: 'operation: searchOrders, getOrder, listTransactions or lwa' };
    }
    f.operation = spec.operation;
  }
  f.persistent = spec.persistent ?? f.kind === 'latency';
  f.remaining = spec.count ?? 1;
  if (!Number.isInteger(f.remaining) || f.remaining < 1) return { error: 'count: integer >= 1' };
  if (f.kind === 'status') {
    f.status = spec.status ?? 500;
    if (!Number.isInteger(f.status) || f.status < 400 || f.status > 599) return { error: 'status: 400..599' };
  }
  if (f.kind === 'oversize') {
    f.bytes = spec.bytes ?? DEFAULT_OVERSIZE;
    if (!Number.isInteger(f.bytes) || f.bytes < 1024 || f.bytes > 1 << 30) return { error: 'bytes: 1024..2^30' };
  }
  if (f.kind === 'latency') {
    f.ms = spec.ms;
    if (!Number.isInteger(f.ms) || f.ms < 0 || f.ms > 600000) return { error: 'ms: integer 0..600000' };
  }
  return { fault: f };
}

class Faults {
  constructor() { this.list = []; this.nextId = 1; }

  add(spec) {
    const { fault, error } = normalize(spec);
    if (error) return { error };
    fault.id = this.nextId++;
    this.list.push(fault);
    return { fault };
  }

  // A fault without an operation hits every SP-API operation but not LWA (name "lwa" for that).
  matches(f, sellerId, operation) {
    return (f.sellerId === undefined || f.sellerId === sellerId)
      && (f.operation === undefined ? operation !== 'lwa' : f.operation === operation);
  }

  use(f) {
    if (f.persistent) return;
    f.remaining -= 1;
    if (f.remaining === 0) this.list = this.list.filter((x) => x !== f);
  }

  // Total added latency for this request (every matching latency entry counts).
  latency(sellerId, operation) {
    let ms = 0;
    for (const f of [...this.list]) {
      if (f.kind === 'latency' && this.matches(f, sellerId, operation)) { ms += f.ms; this.use(f); }
    }
    return ms;
  }

  // The first matching non-latency fault, consumed; or null.
  take(sellerId, operation) {
    const f = this.list.find((x) => x.kind !== 'latency' && this.matches(x, sellerId, operation));
    if (!f) return null;
    this.use(f);
    return f;
  }

  clear() { this.list = []; }
}

// Sends a reply through a body fault (truncate, malformed, oversize), or plainly when fault is null.
function deliver(res, status, text, headers, fault) {
  const body = Buffer.from(text, 'utf8');
  const half = body.subarray(0, Math.floor(body.length / 2));
  const base = { 'content-type': 'application/json', ...headers };
  if (!fault || !['truncate', 'malformed', 'oversize'].includes(fault.kind)) {
    res.writeHead(status, { ...base, 'content-length': body.length });
    res.end(body);
  } else if (fault.kind === 'truncate') {
    // Promise the whole body, send half, then drop the connection.
    res.writeHead(status, { ...base, 'content-length': body.length });
    res.write(half, () => res.destroy());
  } else if (fault.kind === 'malformed') {
    // A complete HTTP message whose JSON stops half-way.
    res.writeHead(status, { ...base, 'content-length': half.length });
    res.end(half);
  } else {
    sendOversize(res, fault.bytes, base);
  }
}

// A 200 of exactly `bytes` bytes of valid JSON, streamed in chunks with back-pressure.
function sendOversize(res, bytes, headers) {
  const head = Buffer.from('{"orders":[],"padding":"');
  const tail = Buffer.from('"}');
  res.writeHead(200, { ...headers, 'content-length': bytes });
  res.write(head);
  const chunk = Buffer.alloc(64 * 1024, 'x');
  let left = bytes - head.length - tail.length;
  const pump = () => {
    while (left > 0) {
      const n = Math.min(left, chunk.length);
      left -= n;
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) { res.once('drain', pump); return; }
    }
    res.end(tail);
  };
  pump();
}

module.exports = { Faults, normalize, deliver };
