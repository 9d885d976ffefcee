// Owns Args: the arguments of one Redis command, packed into one buffer (one allocation per
// command on the hot path instead of one per argument).
#pragma once

#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace blazed::redis {

class Args {
 public:
  Args() = default;
  Args(std::initializer_list<std::string_view> args) {
    for (auto a : args) add(a);
  }

  Args& add(std::string_view a) {
    ends_.push_back(0);
    buf_.append(a);
    ends_.back() = buf_.size();
    return *this;
  }
  template <class I>
    requires std::is_integral_v<I> && (!std::is_same_v<I, bool>)
  Args& add(I v) {
    char tmp[24];
    auto [end, ec] = std::to_chars(tmp, tmp + sizeof tmp, v);
    (void)ec;
    return add(std::string_view(tmp, static_cast<std::size_t>(end - tmp)));
  }
  Args& add(const char* a) { return add(std::string_view(a)); }
  Args& add(const std::string& a) { return add(std::string_view(a)); }
  template <class T>
  Args& operator<<(const T& v) {
    return add(v);
  }

  [[nodiscard]] std::size_t size() const noexcept { return ends_.size(); }
  [[nodiscard]] bool empty() const noexcept { return ends_.empty(); }
  [[nodiscard]] std::string_view operator[](std::size_t i) const noexcept {
    std::size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(buf_).substr(begin, ends_[i] - begin);
  }

 private:
  std::string buf_;
  std::vector<std::size_t> ends_;
};

}  // namespace blazed::redis
