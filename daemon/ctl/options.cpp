// Owns read_options (see options.hpp).
#include "ctl/options.hpp"

#include <algorithm>

namespace blazed::ctl {

ReadOptions read_options(const std::vector<std::string>& args, std::initializer_list<OptionSpec> specs,
                         std::string_view positional) {
  ReadOptions out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto spec = std::find_if(specs.begin(), specs.end(), [&](const OptionSpec& s) { return s.flag == a; });
    if (spec == specs.end()) {
      if (!a.starts_with("--") && !positional.empty() && !out.args.contains(positional)) {
        out.args[positional] = a;
        continue;
      }
      out.problem = "unexpected argument \"" + a + "\"";
      return out;
    }
    if (!spec->takes_value) {
      out.args[spec->key] = true;
    } else if (i + 1 < args.size()) {
      out.args[spec->key] = args[++i];
    } else {
      out.problem = a + " needs a value";
      return out;
    }
  }
  return out;
}

}  // namespace blazed::ctl
