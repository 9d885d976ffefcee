// Owns Executor: anything that runs a parameterized statement (the pool, a held session, a
// transaction), so that statement code is written once against it.
#pragma once

#include "core/error.hpp"
#include "pg/param.hpp"
#include "pg/rows.hpp"

#include <boost/asio/awaitable.hpp>

#include <string>
#include <utility>
#include <vector>

namespace blazed::pg {

class Executor {
 public:
  virtual ~Executor() = default;

  // Runs one statement; $1..$n are bound to `params` (never spliced into the SQL text).
  virtual boost::asio::awaitable<Result<Rows>> execute(std::string sql,
                                                       std::vector<Param> params) = 0;

  // co_await db.query("SELECT name FROM t WHERE id = $1 AND flag = $2", id, true);
  template <class... Args>
  boost::asio::awaitable<Result<Rows>> query(std::string sql, Args&&... args) {
    return execute(std::move(sql), std::vector<Param>{Param(std::forward<Args>(args))...});
  }
};

}  // namespace blazed::pg
