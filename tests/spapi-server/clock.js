// The server's notion of "now": wall time plus an offset that the admin API can advance.
'use strict';

class Clock {
  constructor() { this.offsetMs = 0; }
  now() { return Date.now() + this.offsetMs; }
  advance(ms) { this.offsetMs += ms; }
  reset() { this.offsetMs = 0; }
}

const p2 = (n) => (n < 10 ? `0${n}` : `${n}`);

// ISO 8601 in UTC with whole seconds, the form the 2026-01-01 Orders model uses. Hand-rolled
// (days-to-civil) because it runs for every generated order and Date formatting dominated.
function isoSeconds(ms) {
  const secs = Math.floor(ms / 1000);
  const days = Math.floor(secs / 86400);
  let rem = secs - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const hh = Math.floor(rem / 3600); rem -= hh * 3600;
  const mm = Math.floor(rem / 60);
  return `${y}-${p2(m)}-${p2(d)}T${p2(hh)}:${p2(mm)}:${p2(rem - mm * 60)}Z`;
}

// Accepts ISO 8601 dates and date-times (with Z or an offset); returns epoch ms or null.
function parseIso(text) {
  if (typeof text !== 'string') return null;
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) return null;
  const ms = Date.parse(/T/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? `${text}Z` : text);
  return Number.isFinite(ms) ? ms : null;
}

module.exports = { Clock, isoSeconds, parseIso };
