// Owns DaemonProcess: runs the real blazed binary for end-to-end tests, playing systemd's
// NOTIFY_SOCKET so a test can wait for READY=1 / RELOADING=1 / STOPPING=1 instead of sleeping.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace blazed::testing {

class DaemonProcess {
 public:
  // `workdir` holds the notify socket and the captured output; it must outlive the process.
  DaemonProcess(std::filesystem::path binary, std::vector<std::string> args,
                std::filesystem::path workdir, std::map<std::string, std::string> env = {});
  ~DaemonProcess();  // SIGKILLs a process still running
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  // Waits for a notify message containing `needle` (e.g. "READY=1"); false on timeout or exit.
  bool wait_for_notify(const std::string& needle,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Drops the messages received so far, so the next wait only sees newer ones.
  void forget_notifications() { notifications_.clear(); }
  // All notify messages received so far.
  [[nodiscard]] const std::vector<std::string>& notifications() const { return notifications_; }

  void signal(int signo) const;
  // Waits for the process to exit (reading notifications meanwhile); its exit code, or -signal,
  // or nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  [[nodiscard]] bool running();
  [[nodiscard]] pid_t pid() const { return pid_; }

  // Everything the process wrote to stdout and stderr so far.
  [[nodiscard]] std::string output() const;

 private:
  void drain_notifications();  // every datagram already queued on the notify socket
  pid_t pid_ = -1;
  int notify_fd_ = -1;
  std::optional<int> exit_code_;
  std::filesystem::path output_path_;
  std::vector<std::string> notifications_;
};

// Runs a command to completion; returns its exit code and combined output.
struct CommandResult {
  int exit_code;
  std::string output;
};
CommandResult run_command(const std::vector<std::string>& argv, const std::string& stdin_text = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace blazed::testing
