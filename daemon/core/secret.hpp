// Owns Secret: a string that holds a password, token or key and cannot be formatted, streamed
// or logged by accident; its memory is wiped when it goes away.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace blazed {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret&) = default;
  Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { other.wipe(); }
  Secret& operator=(const Secret& other) {
    if (this != &other) {
      wipe();
      value_ = other.value_;
    }
    return *this;
  }
  Secret& operator=(Secret&& other) noexcept {
    if (this != &other) {
      wipe();
      value_ = std::move(other.value_);
      other.wipe();
    }
    return *this;
  }
  ~Secret() { wipe(); }

  // The only way to the value: call sites that pass it on to a protocol are easy to grep.
  [[nodiscard]] std::string_view reveal() const noexcept { return value_; }
  [[nodiscard]] bool empty() const noexcept { return value_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return value_.size(); }

  friend bool operator==(const Secret& a, const Secret& b) noexcept;

 private:
  void wipe() noexcept;
  std::string value_;
};

// Deliberately no operator<< and no fmt::formatter: formatting a Secret does not compile.
template <class Stream>
Stream& operator<<(Stream&, const Secret&) = delete;

// Overwrites memory so that a secret does not linger in freed heap or core dumps.
void secure_wipe(void* data, std::size_t size) noexcept;

}  // namespace blazed
