// Owns Worker: the one thread of a backup or restore, joined on every path. Stopping it cancels
// its Handoff and kills the child it runs (pg_dump, pg_restore), so a join never waits long.
#pragma once

#include "jobs/backup/handoff.hpp"

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <thread>

namespace blazed::jobs::backup {

class Worker {
 public:
  // `body` runs on the thread; it publishes its child's pid in `child` while the child runs.
  Worker(Handoff& handoff, std::function<void(std::atomic<pid_t>& child)> body);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // After the thread closed its Handoff: waits for it to return (at once, in practice).
  void join();
  // Cancels the Handoff, kills the child, joins.
  void stop();

 private:
  Handoff& handoff_;
  std::atomic<pid_t> child_{-1};
  std::thread thread_;
};

}  // namespace blazed::jobs::backup
