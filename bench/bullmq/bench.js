// The BullMQ reference for bench/queue: the same three phases with the same N and concurrency on
// the same Redis (enqueue N no-op jobs in bulk, process them, then light-load pickup latency).
// Prints one JSON line of figures; bench_queue reads it and computes the ratios.
'use strict';

const { Queue, Worker } = require('bullmq');
const IORedis = require('ioredis');
const fs = require('fs');
const net = require('net');
const { performance } = require('perf_hooks');

function arg(name, dflt) {
  const i = process.argv.indexOf('--' + name);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

const url = arg('url', 'redis://127.0.0.1:6379/0');
const n = Number(arg('n', 100000));
const concurrency = Number(arg('c', 64));
const light = Number(arg('light', 2000));
// A rediss:// url's server is verified as blazed verifies it: against --tls-ca (PEM) or the system
// store; a host name is checked and sent as SNI, an IP address checked against the certificate's.
const tlsCa = arg('tls-ca', '');
const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
const tls = url.startsWith('rediss://')
  ? { ...(tlsCa ? { ca: fs.readFileSync(tlsCa) } : {}), ...(net.isIP(host) ? {} : { servername: host }) }
  : undefined;
const nowUs = () => (performance.timeOrigin + performance.now()) * 1000;
const percentile = (v, p) => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.max(0, Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1))];
};

async function main() {
  if (tlsCa && !tls) throw new Error('--tls-ca goes with a rediss:// url');
  const admin = new IORedis(url, { maxRetriesPerRequest: null, tls });
  await admin.flushall();
  const connection = { url, maxRetriesPerRequest: null, tls };
  const name = 'bench';
  // Completed jobs are removed, as blazed does (no retention).
  const queue = new Queue(name, { connection, defaultJobOptions: { removeOnComplete: true } });
  await queue.waitUntilReady();

  // Phase 1: addBulk in batches of 1000, four batches in flight (as bench_queue does).
  const batch = 1000;
  let next = 0;
  const t0 = performance.now();
  const adder = async () => {
    while (next < n) {
      const from = next;
      const to = Math.min(n, from + batch);
      next = to;
      const jobs = [];
      for (let i = from; i < to; i++) jobs.push({ name: 'noop', data: {} });
      await queue.addBulk(jobs);
    }
  };
  await Promise.all([adder(), adder(), adder(), adder()]);
  const enqueuePerS = n / ((performance.now() - t0) / 1000);
  const rssQueuedMb = process.memoryUsage().rss / 1048576;

  // Phase 2: process with concurrency C.
  await admin.config('RESETSTAT');
  let processed = 0;
  let lightMode = false;
  const latencies = [];
  let onProcessed = null;
  let resolveAll;
  const allDone = new Promise((r) => (resolveAll = r));
  const t1 = performance.now();
  const worker = new Worker(
    name,
    async (job) => {
      if (lightMode) {
        latencies.push((nowUs() - job.data.t0) / 1000);
      }
    },
    { connection, concurrency },
  );
  worker.on('completed', () => {
    processed++;
    if (!lightMode && processed === n) resolveAll();
    if (lightMode && onProcessed) onProcessed();
  });
  await allDone;
  const processedPerS = n / ((performance.now() - t1) / 1000);
  const commandstats = await admin.info('commandstats');

  // Phase 3: light load, one job at a time.
  lightMode = true;
  for (let i = 0; i < light; i++) {
    const done = new Promise((r) => (onProcessed = r));
    await queue.add('noop', { t0: nowUs() });
    await done;
  }
  const out = {
    version: require('bullmq/package.json').version,
    enqueue_per_s: enqueuePerS,
    processed_per_s: processedPerS,
    pickup_p50_ms: percentile(latencies, 50),
    pickup_p99_ms: percentile(latencies, 99),
    commandstats,
    rss_queued_mb: rssQueuedMb,
    rss_peak_mb: process.resourceUsage().maxRSS / 1024,
  };
  await worker.close();
  await queue.close();
  await admin.quit();
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
