// Owns one data type's sync run: window from the cursor (or the run in progress), then pages
// until the window is exhausted, each page committed with its resume token.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "jobs/sync/page_fetch.hpp"
#include "jobs/sync/sync_metrics.hpp"
#include "jobs/sync/sync_ports.hpp"
#include "jobs/sync/sync_store.hpp"
#include "jobs/sync/sync_window.hpp"
#include "queue/outcome.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace blazed::jobs::sync {

// Fills `report` as pages commit, so a caller sees the progress of a run that failed. Deferred
// when the gate says to come back later (progress kept); otherwise the failing step's error (a
// refused pagination token also drops the run, so the next one starts the window over).
boost::asio::awaitable<queue::HandlerOutcome> sync_data_type(SyncPorts deps, const RunTarget& target, RunReport& report);

// The window rules of a data type: orders use one window up to now - kMinimumEndAge;
// transactions windows of at most 180 days.
WindowRules window_rules(DataType type);

}  // namespace blazed::jobs::sync
