// Owns starting and stopping the Node SP-API test server process.
#include "harness/spapi_server_process.hpp"

#include <boost/json/parse.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace blazed::testing {

namespace {

// Waits on a pidfd (readable when the child exits), then reaps it.
bool wait_exit(pid_t pid, std::chrono::milliseconds timeout) {
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd >= 0) {
    pollfd pfd{pidfd, POLLIN, 0};
    poll(&pfd, 1, static_cast<int>(timeout.count()));
    close(pidfd);
  }
  int status = 0;
  return waitpid(pid, &status, WNOHANG) != 0;
}

}  // namespace

SpApiServerProcess::SpApiServerProcess(const std::filesystem::path& script,
                                       const std::filesystem::path& dir,
                                       const std::string& config_json)
    : stderr_path_(dir / "spapi-server.err") {
  std::vector<std::string> argv{"node", script.string(), "--state-dir", (dir / "state").string()};
  if (!config_json.empty()) {
    std::ofstream(dir / "config.json") << config_json;
    argv.insert(argv.end(), {"--config", (dir / "config.json").string()});
  }
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(out[1], 1);
    int err = open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(err, 2);
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    execvp(cargv[0], cargv.data());
    _exit(127);
  }
  close(out[1]);
  stdout_fd_ = out[0];

  // The one start-up line: {"port":N,"ca":"...","admin":"..."}.
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd pfd{stdout_fd_, POLLIN, 0};
    if (left.count() <= 0 || poll(&pfd, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[512];
    const ssize_t n = read(stdout_fd_, buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
  }
  if (line.find('\n') == std::string::npos) {
    throw std::runtime_error("spapi-server did not start: " + stderr_text());
  }
  const auto info = boost::json::parse(line.substr(0, line.find('\n'))).as_object();
  port_ = static_cast<std::uint16_t>(info.at("port").to_number<int>());
  ca_file_ = std::string(info.at("ca").as_string());
}

SpApiServerProcess::~SpApiServerProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    if (!wait_exit(pid_, std::chrono::seconds(10))) {
      kill(pid_, SIGKILL);
      wait_exit(pid_, std::chrono::seconds(10));
    }
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

std::string SpApiServerProcess::stderr_text() const {
  std::ifstream in(stderr_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace blazed::testing
