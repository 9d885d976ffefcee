// Owns running the BullMQ reference (bench/bullmq/bench.js under Node) with the same parameters
// on the same Redis, and reading its figures.
#pragma once

#include "figures.hpp"
#include "ours.hpp"

namespace blazed::bench {

Figures run_bullmq(const Params& p, const std::string& script);

}  // namespace blazed::bench
