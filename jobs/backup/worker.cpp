// Owns Worker (see worker.hpp).
#include "jobs/backup/worker.hpp"

#include <signal.h>

namespace blazed::jobs::backup {

Worker::Worker(Handoff& handoff, std::function<void(std::atomic<pid_t>&)> body)
    : handoff_(handoff), thread_([this, body = std::move(body)] { body(child_); }) {}

Worker::~Worker() { stop(); }

void Worker::join() {
  if (thread_.joinable()) thread_.join();
}

void Worker::stop() {
  if (!thread_.joinable()) return;
  handoff_.cancel();
  if (const pid_t pid = child_.load(); pid > 0) ::kill(pid, SIGKILL);
  thread_.join();
}

}  // namespace blazed::jobs::backup
