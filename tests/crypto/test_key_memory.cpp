// Tests the key pages: a failed mlock is logged once (with the fix) and the key still works.
#include "core/log.hpp"
#include "crypto/key_memory.hpp"

#include <catch2/catch.hpp>

#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <string>

// AddressSanitizer intercepts mlock() and answers success without locking, so the failure this
// test provokes cannot happen in a sanitized build.
#if !defined(__SANITIZE_ADDRESS__)

namespace {

// Runs `body` in a child whose mlock must fail: RLIMIT_MEMLOCK 0 and, when it runs as root,
// without CAP_IPC_LOCK (which ignores the limit). Returns what the child wrote to the pipe.
template <typename Body>
std::string in_child_without_memlock(Body body) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    const rlimit none{0, 0};
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct caps[2]{};
    bool ok = setrlimit(RLIMIT_MEMLOCK, &none) == 0 &&
              syscall(SYS_capget, &header, caps) == 0;
    caps[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
    ok = ok && syscall(SYS_capset, &header, caps) == 0;
    const std::string out = ok ? body() : std::string("setup failed");
    (void)!write(fds[1], out.data(), out.size());
    _exit(0);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return out;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("a key page that cannot be locked warns once, naming the limit, and still holds the key",
          "[unit]") {
  const std::string out = in_child_without_memlock([] {
    std::string lines;
    blazed::log::capture_to(&lines);
    blazed::log::configure({});
    blazed::crypto::KeyMemory first;
    blazed::crypto::KeyMemory second;
    std::fill(first.bytes().begin(), first.bytes().end(), std::uint8_t{0x5a});
    const bool held = std::all_of(first.bytes().begin(), first.bytes().end(),
                                  [](std::uint8_t b) { return b == 0x5a; });
    blazed::log::capture_to(nullptr);
    return lines + (held ? "KEY_HELD" : "KEY_LOST");
  });
  REQUIRE(out.find("setup failed") == std::string::npos);
  CHECK(count(out, "cannot lock key memory (mlock)") == 1);
  CHECK(out.find("LimitMEMLOCK=") != std::string::npos);
  CHECK(out.find("\"level\":\"warn\"") != std::string::npos);
  CHECK(out.find("KEY_HELD") != std::string::npos);
}
#endif
