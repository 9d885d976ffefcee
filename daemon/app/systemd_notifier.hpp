// Owns the conversation with systemd (sd_notify): READY, STATUS, RELOADING, STOPPING and the
// watchdog ping. Every call is harmless when the daemon does not run under systemd.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string_view>

namespace blazed::app {

class SystemdNotifier {
 public:
  void ready();
  void status(std::string_view text);
  // Also sends MONOTONIC_USEC, which systemd 253+ requires with RELOADING=1.
  void reloading();
  void reloaded();  // READY=1 again after a reload
  void stopping();
  void watchdog();

  // The ping interval: half of WatchdogSec (from $WATCHDOG_USEC), when systemd asked for pings.
  [[nodiscard]] std::optional<std::chrono::microseconds> watchdog_interval() const;

  // Pings the watchdog from the event loop for as long as the loop turns: if the loop stalls,
  // the pings stop and systemd restarts the service. Returns when cancelled.
  boost::asio::awaitable<void> run_watchdog();
};

}  // namespace blazed::app
