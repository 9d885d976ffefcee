// Owns spawning the daemon (and short commands) for tests, with a NOTIFY_SOCKET listener.
#include "harness/daemon_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace blazed::testing {
namespace {

using Clock = std::chrono::steady_clock;

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Waits for the child to exit until the deadline, on a pidfd (readable when the child exits).
std::optional<int> wait_pid(pid_t pid, Clock::time_point deadline) {
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || r < 0 || Clock::now() >= deadline) {
      if (pidfd >= 0) close(pidfd);
      if (r == pid) return decode_status(status);
      return std::nullopt;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd pfd{pidfd, POLLIN, 0};
    poll(&pfd, pidfd >= 0 ? 1 : 0, static_cast<int>(std::max<long>(1, left.count())));
  }
}

}  // namespace

DaemonProcess::DaemonProcess(std::filesystem::path binary, std::vector<std::string> args,
                             std::filesystem::path workdir, std::map<std::string, std::string> env)
    : output_path_(workdir / "daemon.out") {
  auto notify_path = (workdir / "notify.sock").string();
  notify_fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (notify_path.size() >= sizeof addr.sun_path) throw std::runtime_error("notify path too long");
  std::strcpy(addr.sun_path, notify_path.c_str());
  unlink(notify_path.c_str());
  if (bind(notify_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("bind notify socket: " + std::string(std::strerror(errno)));

  std::vector<std::string> argv{binary.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  env["NOTIFY_SOCKET"] = notify_path;

  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int out = open(output_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, 1);
    dup2(out, 2);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    auto cargv = c_strings(argv);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
}

DaemonProcess::~DaemonProcess() {
  if (running()) {
    kill(pid_, SIGKILL);
    wait_exit(std::chrono::seconds(10));
  }
  if (notify_fd_ >= 0) close(notify_fd_);
}

bool DaemonProcess::wait_for_notify(const std::string& needle, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  auto drain = [&] { drain_notifications(); };
  auto seen = [&] {
    for (const auto& n : notifications_)
      if (n.find(needle) != std::string::npos) return true;
    return false;
  };
  while (true) {
    // Note: check for exit before draining, so a message sent just before exiting is read.
    bool alive = running();
    drain();
    if (seen()) return true;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0 || !alive) return false;
    pollfd pfd{notify_fd_, POLLIN, 0};
    // Wake at least every 100 ms to notice a process that died without notifying.
    poll(&pfd, 1, static_cast<int>(std::min<long>(left.count(), 100)));
  }
}

void DaemonProcess::signal(int signo) const { kill(pid_, signo); }

void DaemonProcess::drain_notifications() {
  char buf[4096];
  for (ssize_t n; (n = recv(notify_fd_, buf, sizeof buf, 0)) > 0;)
    notifications_.emplace_back(buf, static_cast<std::size_t>(n));
}

std::optional<int> DaemonProcess::wait_exit(std::chrono::milliseconds timeout) {
  // Reads the notifications meanwhile, as systemd does: a full notify socket (a few datagrams)
  // would block the daemon's sd_notify and so its stop.
  const auto deadline = Clock::now() + timeout;
  while (running() && Clock::now() < deadline) {
    drain_notifications();
    pollfd pfd{notify_fd_, POLLIN, 0};
    poll(&pfd, 1, 20);
  }
  drain_notifications();
  return exit_code_;
}

bool DaemonProcess::running() {
  if (exit_code_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_code_ = decode_status(status);
    return false;
  }
  return r == 0;
}

std::string DaemonProcess::output() const {
  std::ifstream in(output_path_);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

CommandResult run_command(const std::vector<std::string>& argv_in, const std::string& stdin_text,
                          std::chrono::milliseconds timeout) {
  int in_pipe[2];
  int out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(out_pipe[1], 2);
    auto argv = argv_in;
    auto cargv = c_strings(argv);
    execvp(cargv[0], cargv.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  if (!stdin_text.empty()) {
    auto written = write(in_pipe[1], stdin_text.data(), stdin_text.size());
    (void)written;
  }
  close(in_pipe[1]);
  std::string output;
  auto deadline = Clock::now() + timeout;
  char buf[4096];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      kill(pid, SIGKILL);
      break;
    }
    pollfd pfd{out_pipe[0], POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(left.count())) <= 0) continue;
    ssize_t n = read(out_pipe[0], buf, sizeof buf);
    if (n <= 0) break;
    output.append(buf, static_cast<std::size_t>(n));
  }
  close(out_pipe[0]);
  auto code = wait_pid(pid, Clock::now() + std::chrono::seconds(10));
  return {code.value_or(-1), output};
}

}  // namespace blazed::testing
