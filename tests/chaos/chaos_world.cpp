// Owns the chaos suite's services and daemons (see chaos_world.hpp).
#include "chaos/chaos_world.hpp"

#include <boost/json.hpp>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace blazed::testing::chaos {
namespace {

using namespace std::chrono_literals;

// Debian's libfaketime (multi-threaded variant); scripts/install-deps installs it.
constexpr const char* kFaketimeLib = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";
constexpr const char* kMarketplace = "ATVPDKIKX0DER";
// Generated history within the first sync's 30 days, so the sellers' data is complete without a
// backfill; pages of 20 so every sync has several pages for a kill to land between.
constexpr int kOrders = 200;
constexpr int kTransactions = 120;

std::string spapi_config() {
  boost::json::array sellers;
  for (int i = 1; i <= ChaosWorld::kSellers; ++i) {
    const std::string id = "CHAOS" + std::to_string(i);
    sellers.push_back(boost::json::object{
        {"sellerId", id},
        {"refreshToken", "Atzr|chaos-" + std::to_string(i)},
        {"orders", kOrders},
        {"transactions", kTransactions},
        {"historyDays", 20},
        {"transactionsPerPage", 20},
        {"marketplaceId", kMarketplace},
        // Above the daemons' own plans: only injected faults answer 429.
        {"plans", boost::json::object{{"searchOrders", {{"rate", 200}, {"burst", 400}}},
                                      {"listTransactions", {{"rate", 200}, {"burst", 400}}}}}});
  }
  return boost::json::serialize(boost::json::object{{"sellers", sellers}});
}

// Short leases and fast recovery so a killed daemon's jobs come back within seconds; a cadence
// of 15 s so every seller syncs again and again during the chaos; a probe schedule; SP-API
// timeouts short enough that a stalled server costs a few seconds; raw pages kept one minute, so
// a purge removes pages while syncs store new ones.
std::string daemon_yaml(const SpapiServer& spapi, const std::filesystem::path& lwa_secret) {
  const std::string url = spapi.url();
  return "queue:\n  queues: [default, sync]\n  concurrency: 4\n  lease: 5s\n  heartbeat_interval: 500ms\n"
         "  recover_interval: 500ms\n  forward_interval: 200ms\n"
         "scheduler:\n  fence_ttl: 5s\n"
         "schedules:\n  - name: probe\n    cron: \"@every 2s\"\n    job: queue_probe\n"
         "sync:\n  interval: 15s\n  jitter: 15s\n"
         "spapi:\n  endpoint_na: " + url + "\n  endpoint_eu: " + url + "\n  endpoint_fe: " + url +
         "\n  lwa_endpoint: " + url + "/auth/o2/token\n  client_id: " + SpapiServer::kClientId +
         "\n  client_secret: \"file:" + lwa_secret.string() + "\"\n  ca_file: " + spapi.ca_file().string() +
         "\n  connect_timeout: 2s\n  read_timeout: 4s\n  total_timeout: 8s\n  max_results_per_page: 20\n"
         "rate_limit:\n  plans:\n    - {operation: searchOrders, rate: 20, burst: 40}\n"
         "    - {operation: listTransactions, rate: 20, burst: 40}\n"
         "retention:\n  raw_payloads: 1m\n"
         "shutdown:\n  deadline: 15s\n";
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("chaos: cannot write " + path.string());
}

}  // namespace

ChaosDaemon::ChaosDaemon(DaemonInstance instance, std::string faketime_lib)
    : instance_(std::move(instance)), faketime_lib_(std::move(faketime_lib)) {
  if (!faketime_lib_.empty()) write_file(instance_.dir / "faketime", "+0\n");
  start();
}

void ChaosDaemon::start() {
  std::map<std::string, std::string> env;
  if (!faketime_lib_.empty()) {
    env = {{"LD_PRELOAD", faketime_lib_},
           {"FAKETIME_TIMESTAMP_FILE", (instance_.dir / "faketime").string()},
           {"FAKETIME_DONT_FAKE_MONOTONIC", "1"},
           {"FAKETIME_CACHE_DURATION", "1"}};
    // In a sanitized build ASan refuses to start when a preloaded library comes before its
    // runtime; libfaketime only wraps the clock functions, which ASan does not intercept.
    if (const char* asan = std::getenv("ASAN_OPTIONS"))
      env["ASAN_OPTIONS"] = std::string(asan) + ":verify_asan_link_order=0";
  }
  ++runs_;
  process_ = std::make_unique<DaemonProcess>(kBlazedBinary,
                                             std::vector<std::string>{"--config", instance_.config.string()},
                                             instance_.dir, env);
}

void ChaosDaemon::kill() {
  if (!process_->running()) return;
  process_->signal(SIGKILL);
  process_->wait_exit(30s);
}

void ChaosDaemon::restart() {
  kill();
  std::error_code ignored;
  std::filesystem::rename(instance_.dir / "daemon.out", instance_.dir / ("daemon.out." + std::to_string(runs_)),
                          ignored);
  start();
}

bool ChaosDaemon::set_clock_ahead(int seconds) {
  if (faketime_lib_.empty()) return false;
  write_file(instance_.dir / "faketime", "+" + std::to_string(seconds) + "\n");
  clock_ahead_ = seconds;
  return true;
}

std::string ChaosDaemon::output_tail(std::size_t max_bytes) const {
  std::string all;
  for (int run = 1; run < runs_; ++run) {
    std::ifstream in(instance_.dir / ("daemon.out." + std::to_string(run)));
    std::ostringstream s;
    s << in.rdbuf();
    all += "--- run " + std::to_string(run) + "\n" + s.str();
  }
  all += "--- run " + std::to_string(runs_) + "\n" + process_->output();
  return all.size() > max_bytes ? all.substr(all.size() - max_bytes) : all;
}

CommandResult ChaosDaemon::ctl(std::vector<std::string> args, std::chrono::milliseconds timeout) const {
  args.insert(args.begin(), {kBlazectlBinary, "--socket", instance_.socket_path});
  return run_command(args, {}, timeout);
}

ChaosWorld::ChaosWorld() {
  if (std::filesystem::exists(kFaketimeLib)) faketime_lib_ = kFaketimeLib;
  // appendfsync always: a write Redis answered is on disk before the answer, so a SIGKILL loses
  // nothing the daemons were told had happened.
  env_ = std::make_unique<DaemonEnv>(
      DaemonEnvOptions{{"--appendonly", "yes", "--appendfsync", "always"}, &pg_.endpoint()});
  spapi_ = std::make_unique<SpapiServer>(spapi_config());
  const auto lwa_secret = dir_ / "lwa-client-secret";
  write_file(lwa_secret, std::string(SpapiServer::kClientSecret) + "\n");
  for (int i = 1; i <= kDaemons; ++i) {
    auto instance = env_->add_instance("node-" + std::to_string(i), daemon_yaml(*spapi_, lwa_secret));
    daemons_.push_back(std::make_unique<ChaosDaemon>(std::move(instance), faketime_lib_));
  }
  for (int i = 1; i <= kSellers; ++i)
    sellers_.push_back({"CHAOS" + std::to_string(i), "Atzr|chaos-" + std::to_string(i), 0});
}

void ChaosWorld::connect_sellers() {
  auto& daemon = *daemons_.front();
  for (auto& seller : sellers_) {
    const auto token_file = dir_ / ("token-" + seller.amazon_id);
    write_file(token_file, seller.refresh_token);
    auto r = daemon.ctl({"--json", "sellers", "connect", "--region", "na", "--marketplace", kMarketplace,
                         "--token-file", token_file.string()});
    if (r.exit_code != 0) throw std::runtime_error("chaos: sellers connect failed: " + r.output);
    seller.id = boost::json::parse(r.output).at("seller_id").to_number<std::int64_t>();
  }
}

void ChaosWorld::set_active_key(const std::string& key_id) {
  for (auto& d : daemons_) {
    std::ifstream in(d->instance().config);
    std::ostringstream s;
    s << in.rdbuf();
    std::string text = s.str();
    const auto at = text.find("  active_key: ");
    if (at == std::string::npos) throw std::runtime_error("chaos: no active_key in " + d->instance().config.string());
    text.replace(at, text.find('\n', at) - at, "  active_key: " + key_id);
    write_file(d->instance().config, text);
  }
}

bool ChaosWorld::generate_key(const std::string& key_id) const {
  auto r = run_command({kBlazedBinary, "keys", "generate", "--dir", (env_->dir() / "keys").string(), "--id", key_id});
  return r.exit_code == 0;
}

}  // namespace blazed::testing::chaos
