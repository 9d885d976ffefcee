// Owns running the bench's three phases (enqueue N, process N with concurrency C, light-load
// pickup latency) against blazed's queue.
#pragma once

#include "figures.hpp"

#include <string>

namespace blazed::bench {

struct Params {
  std::string url;
  // For a rediss:// url: the CA (PEM) both sides verify the server's certificate against.
  std::string tls_ca_file;
  int n = 100'000;
  int concurrency = 64;
  int light = 2'000;  // jobs enqueued one at a time for the latency phase
};

Figures run_ours(const Params& p);

}  // namespace blazed::bench
