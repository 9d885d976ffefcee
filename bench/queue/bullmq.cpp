// Owns spawning `node bench.js`, reading its one JSON line of figures.
#include "bullmq.hpp"

#include <boost/json/parse.hpp>

#include <cstdio>
#include <stdexcept>

namespace blazed::bench {

Figures run_bullmq(const Params& p, const std::string& script) {
  std::string cmd = "node " + script + " --url " + p.url + " --n " + std::to_string(p.n) +
                    " --c " + std::to_string(p.concurrency) + " --light " + std::to_string(p.light);
  if (!p.tls_ca_file.empty()) cmd += " --tls-ca " + p.tls_ca_file;
  FILE* out = ::popen(cmd.c_str(), "r");
  if (out == nullptr) throw std::runtime_error("could not run node");
  std::string text;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, out)) text.append(buf, n);
  if (::pclose(out) != 0) throw std::runtime_error("the BullMQ bench failed: " + text);
  auto line = text.substr(text.rfind('{'));
  auto v = boost::json::parse(line).as_object();
  auto num = [&](const char* k) { return v.at(k).to_number<double>(); };
  Figures f;
  f.name = "bullmq " + std::string(v.at("version").as_string());
  f.enqueue_per_s = num("enqueue_per_s");
  f.processed_per_s = num("processed_per_s");
  f.pickup_p50_ms = num("pickup_p50_ms");
  f.pickup_p99_ms = num("pickup_p99_ms");
  // The same commandstats arithmetic as for blazed, from the raw INFO text the script captured.
  auto calls = parse_commandstats(std::string(v.at("commandstats").as_string()));
  f.commands_per_job = static_cast<double>(total_calls(calls)) / p.n;
  f.top_level_per_job = static_cast<double>(top_level_calls(calls)) / p.n;
  f.redis_us_per_job = static_cast<double>(top_level_usec(calls)) / p.n;
  f.rss_queued_mb = num("rss_queued_mb");
  f.rss_peak_mb = num("rss_peak_mb");
  return f;
}

}  // namespace blazed::bench
