// Owns FakeRateGate: a rate-limit gate that grants every token, or none (from the start or from a
// slow_down on, as after a 429), with a retry-after the test picks.
#pragma once

#include "jobs/sync/sync_ports.hpp"

#include <string>
#include <vector>

namespace blazed::testing {

class FakeRateGate final : public jobs::sync::RateGate {
 public:
  explicit FakeRateGate(const Clock& clock) : clock_(clock) {}

  boost::asio::awaitable<Result<ratelimit::Permit>> try_acquire(std::int64_t, std::string_view) override {
    ++acquired;
    ratelimit::Permit p;
    p.granted = !denying;
    p.retry_at = clock_.now() + retry_after;
    co_return p;
  }
  boost::asio::awaitable<Status> set_rate(std::int64_t, std::string_view, double rate) override {
    rates.push_back(rate);
    co_return Status{};
  }
  boost::asio::awaitable<Status> slow_down(std::int64_t, std::string_view) override {
    ++slow_downs;
    if (deny_after_slow_down) denying = true;
    co_return Status{};
  }

  bool denying = false;
  bool deny_after_slow_down = true;
  std::chrono::milliseconds retry_after{30'000};
  int acquired = 0;
  int slow_downs = 0;
  std::vector<double> rates;

 private:
  const Clock& clock_;
};

}  // namespace blazed::testing
