// Owns FakeSyncStore: an in-memory SyncStatePort (cursor and run in progress per seller and data
// type, the pages committed, the last error) whose commits can fail on purpose.
#pragma once

#include "jobs/sync/sync_ports.hpp"

#include <map>
#include <utility>
#include <vector>

namespace blazed::testing {

class FakeSyncStore final : public jobs::sync::SyncStatePort {
 public:
  using Key = std::pair<std::int64_t, jobs::sync::DataType>;
  struct Committed {
    std::int64_t seller_id;
    jobs::sync::DataType type;
    std::string request_id;
    std::int64_t rows;
    std::optional<std::string> next_token;
    std::vector<pg::AuditEvent> audited;  // the audit events committed with it
  };

  boost::asio::awaitable<Result<jobs::sync::SyncState>> state(std::int64_t id, jobs::sync::DataType type) override {
    co_return states[{id, type}];
  }
  boost::asio::awaitable<Status> begin_run(std::int64_t id, jobs::sync::DataType type,
                                           const jobs::SyncWindow& w) override {
    states[{id, type}].run = jobs::sync::RunInProgress{w, std::nullopt, 0, 0};
    co_return Status{};
  }
  boost::asio::awaitable<Status> abandon_run(std::int64_t id, jobs::sync::DataType type) override {
    states[{id, type}].run.reset();
    co_return Status{};
  }
  boost::asio::awaitable<Result<std::int64_t>> commit_page(std::int64_t id,
                                                           const jobs::sync::PageToStore& page) override {
    if (fail_commit_number && commits_tried++ + 1 == *fail_commit_number)
      co_return make_error("pg_connection_lost", "the database went away mid-commit");
    auto& st = states[{id, page.type}];
    if (!st.run) co_return make_error("sync_state_missing", "no run in progress to advance");
    const auto rows = static_cast<std::int64_t>(page.type == jobs::sync::DataType::orders ? page.orders->size()
                                                                                        : page.transactions->size());
    st.run->resume_token = page.next_token;
    ++st.run->pages;
    st.run->rows += rows;
    committed.push_back({id, page.type, page.request_id, rows, page.next_token, page.audit});
    co_return rows;
  }
  boost::asio::awaitable<Status> finish_run(std::int64_t id, jobs::sync::DataType type,
                                            jobs::TimePoint window_end) override {
    auto& st = states[{id, type}];
    st.cursor = window_end;
    st.run.reset();
    last_errors.erase({id, type});
    co_return Status{};
  }
  boost::asio::awaitable<Status> note_deferral(std::int64_t id, jobs::sync::DataType type) override {
    auto& st = states[{id, type}];
    if (st.run) ++st.run->deferrals;
    co_return Status{};
  }
  boost::asio::awaitable<Status> record_error(std::int64_t id, jobs::sync::DataType type, const Error& e) override {
    last_errors[{id, type}] = e.code;
    co_return Status{};
  }

  std::map<Key, jobs::sync::SyncState> states;
  std::map<Key, std::string> last_errors;  // the code of the last error
  std::vector<Committed> committed;
  // The commit (1-based, counted over the store's life) that fails as if the process died there.
  std::optional<int> fail_commit_number;
  int commits_tried = 0;
};

}  // namespace blazed::testing
