// Owns LeaseClock: which clock judges leases. In production it is Redis's own TIME, read inside
// the scripts, so instances whose clocks disagree still agree on which leases lapsed; a test
// points it at a ManualClock shared by its instances (the scripts then take that time instead).
#pragma once

#include "core/clock.hpp"

#include <string>

namespace blazed::queue {

struct LeaseClock {
  const Clock* manual = nullptr;  // nullptr: Redis TIME

  // The scripts' now_ms argument: '' for Redis TIME, else the manual clock's Unix ms.
  [[nodiscard]] std::string now_ms_arg() const {
    return manual == nullptr ? std::string() : std::to_string(unix_millis(manual->now()));
  }
};

}  // namespace blazed::queue
