// Owns blazectl's generic human rendering of a JSON result, for commands without a renderer
// of their own.
#pragma once

#include <boost/json/value.hpp>

#include <string>

namespace blazed::ctl {

// Objects become "key: value" lines, nested ones indented; arrays become "- item" lines;
// strings print without quotes; an empty object prints "ok".
std::string render_human(const boost::json::value& v);

}  // namespace blazed::ctl
