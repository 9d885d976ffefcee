// Owns how Catch2 prints a blazed::Result in a failed assertion ("ok" or "error code: message"),
// so that REQUIRE(result) compiles for any value type and says why it failed.
#pragma once

#include "core/error.hpp"

#include <catch2/catch.hpp>

namespace Catch {

template <class T>
struct StringMaker<boost::system::result<T, blazed::Error>> {
  static std::string convert(const boost::system::result<T, blazed::Error>& r) {
    return r ? std::string("ok") : "error " + r.error().code + ": " + r.error().message;
  }
};

}  // namespace Catch
