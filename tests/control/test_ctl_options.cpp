// Owns the tests of blazectl's option reading (daemon/ctl/options.hpp).
#include "ctl/options.hpp"

#include <catch2/catch.hpp>

using blazed::ctl::read_options;
using Args = std::vector<std::string>;

TEST_CASE("options, switches and one bare word become the call's arguments", "[ctl]") {
  auto r = read_options(Args{"b-17", "--into", "dbname=x", "--force"},
                        {{"--latest", "latest", false}, {"--into", "into"}, {"--force", "force", false}}, "backup_id");
  CHECK(r.problem.empty());
  CHECK(r.args.size() == 3);
  CHECK(r.args.at("backup_id") == "b-17");
  CHECK(r.args.at("into") == "dbname=x");
  CHECK(r.args.at("force") == true);
}

TEST_CASE("what an option reader does not understand is a problem, named", "[ctl]") {
  struct Row {
    Args args;
    std::string problem;
  };
  const std::vector<Row> rows = {
      {{"--table"}, "--table needs a value"},
      {{"--tables", "x"}, "unexpected argument \"--tables\""},
      {{"bare"}, "unexpected argument \"bare\""},  // this command takes no bare word
  };
  for (const auto& row : rows) {
    INFO(row.problem);
    CHECK(read_options(row.args, {{"--table", "table"}}).problem == row.problem);
  }
  CHECK(read_options(Args{"a", "b"}, {}, "id").problem == "unexpected argument \"b\"");
}
