// Owns sd_notify calls and the watchdog coroutine.
#include "app/systemd_notifier.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <systemd/sd-daemon.h>

#include <ctime>
#include <string>

namespace blazed::app {
namespace asio = boost::asio;

void SystemdNotifier::ready() { sd_notify(0, "READY=1"); }

void SystemdNotifier::status(std::string_view text) {
  std::string msg = "STATUS=";
  msg += text;
  sd_notify(0, msg.c_str());
}

void SystemdNotifier::reloading() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  auto usec = static_cast<long long>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
  std::string msg = "RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec);
  sd_notify(0, msg.c_str());
}

void SystemdNotifier::reloaded() { sd_notify(0, "READY=1"); }

void SystemdNotifier::stopping() { sd_notify(0, "STOPPING=1"); }

void SystemdNotifier::watchdog() { sd_notify(0, "WATCHDOG=1"); }

std::optional<std::chrono::microseconds> SystemdNotifier::watchdog_interval() const {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec / 2);
}

asio::awaitable<void> SystemdNotifier::run_watchdog() {
  auto interval = watchdog_interval();
  if (!interval) co_return;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (true) {
    watchdog();
    timer.expires_after(*interval);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
  }
}

}  // namespace blazed::app
