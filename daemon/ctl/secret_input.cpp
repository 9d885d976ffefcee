// Owns reading a secret without echo (see secret_input.hpp).
#include "ctl/secret_input.hpp"

#include "ctl/errc.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

namespace blazed::ctl {
namespace {

// Restores the terminal's echo when the read is done, however it ends.
class EchoOff {
 public:
  explicit EchoOff(int fd) : fd_(fd) {
    if (tcgetattr(fd_, &saved_) == 0) {
      termios quiet = saved_;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      active_ = tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
    }
  }
  ~EchoOff() {
    if (active_) tcsetattr(fd_, TCSAFLUSH, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

}  // namespace

Result<Secret> read_secret_fd(int fd, std::string_view prompt) {
  const bool tty = isatty(fd) == 1;
  std::string value;
  {
    std::optional<EchoOff> quiet;
    if (tty) {
      (void)!write(STDERR_FILENO, prompt.data(), prompt.size());
      quiet.emplace(fd);
    }
    char c = 0;
    for (;;) {
      ssize_t n = ::read(fd, &c, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        secure_wipe(value.data(), value.size());
        return make_error(errc::io, std::string("cannot read secret: ") + std::strerror(errno));
      }
      // A terminal gives one line; a pipe or file gives everything.
      if (n == 0 || (tty && c == '\n')) break;
      value += c;
    }
    if (tty) (void)!write(STDERR_FILENO, "\n", 1);
  }
  if (!value.empty() && value.back() == '\n') value.pop_back();
  if (!value.empty() && value.back() == '\r') value.pop_back();
  if (value.empty()) return make_error(errc::empty_secret, "the secret is empty");
  return Secret(std::move(value));
}

Result<Secret> read_secret(std::string_view source, std::string_view prompt) {
  if (source == "-") return read_secret_fd(STDIN_FILENO, prompt);
  int fd = ::open(std::string(source).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return make_error(errc::io, "cannot open secret file " + std::string(source) + ": " +
                                std::strerror(errno));
  }
  auto r = read_secret_fd(fd, prompt);
  ::close(fd);
  return r;
}

}  // namespace blazed::ctl
