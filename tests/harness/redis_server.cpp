// Owns starting, readiness detection, pausing and killing of a test redis-server.
#include "harness/redis_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <stdexcept>

namespace blazed::testing {

RedisServer::RedisServer(std::vector<std::string> extra_args) : extra_args_(std::move(extra_args)) {
  port_ = free_port();
  start();
}

RedisServer::RedisServer(const SentinelOf& sentinel) {
  port_ = free_port();
  sentinel_config_ = (dir_ / "sentinel.conf").string();
  std::ofstream conf(sentinel_config_);
  const std::string& name = sentinel.master_name;
  conf << "sentinel monitor " << name << " 127.0.0.1 " << sentinel.master_port << " 1\n"
       << "sentinel down-after-milliseconds " << name << " " << sentinel.down_after.count() << "\n"
       << "sentinel failover-timeout " << name << " 10000\n";
  conf.close();
  if (!conf) throw std::runtime_error("RedisServer: cannot write " + sentinel_config_);
  start();
}

RedisServer::~RedisServer() { stop(); }

std::string RedisServer::url(const std::string& user) const {
  return "redis://" + (user.empty() ? "" : user + "@") + "127.0.0.1:" + std::to_string(port_) +
         "/0";
}

config::RedisConfig RedisServer::config(const std::string& user) const {
  config::RedisConfig c;
  c.url = url(user);
  c.connect_timeout = std::chrono::milliseconds{1'000};
  c.command_timeout = std::chrono::milliseconds{5'000};
  c.reconnect_max_delay = std::chrono::milliseconds{200};
  return c;
}

void RedisServer::start() {
  if (pid_ > 0) return;
  std::vector<std::string> args = {"redis-server",  "--port",       std::to_string(port_),
                                   "--bind",        "127.0.0.1",    "--save",
                                   "",              "--appendonly", "no",
                                   "--daemonize",   "no",           "--dir",
                                   dir_.path(),     "--unixsocket", unix_socket(),
                                   "--unixsocketperm", "700",       "--logfile",
                                   ""};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  // A sentinel takes its config file first, and says it is ready once it monitors the master.
  if (!sentinel_config_.empty()) args.insert(args.begin() + 1, {sentinel_config_, "--sentinel"});
  const std::string ready = sentinel_config_.empty() ? "Ready to accept connections" : "+monitor master";

  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) throw std::runtime_error("RedisServer: pipe failed");
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("RedisServer: fork failed");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test process
    ::dup2(pipefd[1], STDOUT_FILENO);
    ::dup2(pipefd[1], STDERR_FILENO);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp("redis-server", argv.data());
    ::_exit(127);
  }
  ::close(pipefd[1]);
  pid_ = pid;
  out_fd_ = pipefd[0];
  output_.clear();

  // Ready when the server says so on its log (the real event, no polling of the port).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (output_.find(ready) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{out_fd_, POLLIN, 0};
    char buf[4096];
    ssize_t n = 0;
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0 ||
        (n = ::read(out_fd_, buf, sizeof buf)) <= 0) {
      std::string out = output_;
      stop();
      throw std::runtime_error("redis-server did not start: " + out);
    }
    output_.append(buf, static_cast<std::size_t>(n));
  }
  // Keep draining so the server never blocks on a full pipe.
  drain_ = std::thread([this, fd = out_fd_] {
    char buf[4096];
    while (::read(fd, buf, sizeof buf) > 0) {
    }
  });
}

void RedisServer::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGCONT);  // a paused server still dies, but reap it cleanly
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  if (drain_.joinable()) drain_.join();  // EOF once the server is gone
  if (out_fd_ >= 0) {
    ::close(out_fd_);
    out_fd_ = -1;
  }
}

void RedisServer::pause() {
  if (pid_ > 0) ::kill(pid_, SIGSTOP);
}

void RedisServer::resume() {
  if (pid_ > 0) ::kill(pid_, SIGCONT);
}

std::string RedisServer::output() const { return output_; }

}  // namespace blazed::testing
