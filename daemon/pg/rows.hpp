// Owns statement results: Rows (shares the libpq result, no copy) and typed, checked reads of a
// Row's text-format columns.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "pg/errc.hpp"
#include "pg/param.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct pg_result;  // libpq's PGresult, kept out of this header

namespace blazed::pg {

// Column decoders: text as PostgreSQL prints it -> C++ value. Errors name the type, never the text.
Status decode(std::string_view text, std::string& out);
Status decode(std::string_view text, std::int64_t& out);
Status decode(std::string_view text, int& out);
Status decode(std::string_view text, bool& out);
Status decode(std::string_view text, double& out);
Status decode(std::string_view text, Numeric& out);
Status decode(std::string_view text, Bytes& out);                // bytea, hex output format
Status decode(std::string_view text, Clock::time_point& out);    // timestamptz in UTC, ISO style

template <class T>
inline constexpr bool is_optional = false;
template <class T>
inline constexpr bool is_optional<std::optional<T>> = true;

class Row {
 public:
  Row(const pg_result* result, int row) : result_(result), row_(row) {}

  [[nodiscard]] bool is_null(std::size_t col) const;
  // The raw text, nullopt for NULL. Valid while the Rows it came from lives.
  [[nodiscard]] std::optional<std::string_view> text(std::size_t col) const;

  // A typed value; NULL is an error unless T is std::optional<...>.
  template <class T>
  [[nodiscard]] Result<T> get(std::size_t col) const {
    auto t = text(col);
    if constexpr (is_optional<T>) {
      if (!t) return T{};
      typename T::value_type v{};
      if (auto st = decode_column(col, *t, v); !st) return st.error();
      return T{std::move(v)};
    } else {
      if (!t) return make_error(errc::pg_decode, "column " + std::to_string(col) + " is NULL");
      T v{};
      if (auto st = decode_column(col, *t, v); !st) return st.error();
      return v;
    }
  }
  template <class T>
  [[nodiscard]] Result<T> get(std::string_view column) const {
    auto col = index_of(column);
    if (!col) return make_error(errc::pg_decode, "no column " + std::string(column));
    return get<T>(*col);
  }

 private:
  template <class V>
  Status decode_column(std::size_t col, std::string_view text, V& v) const {
    if (auto st = decode(text, v); !st) return st.error().context("column " + std::to_string(col));
    return {};
  }
  [[nodiscard]] std::optional<std::size_t> index_of(std::string_view column) const;

  const pg_result* result_;
  int row_;
};

// The outcome of one statement. Cheap to copy (shares the result).
class Rows {
 public:
  Rows() = default;
  explicit Rows(std::shared_ptr<pg_result> result) : result_(std::move(result)) {}

  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] bool empty() const { return size() == 0; }
  [[nodiscard]] std::size_t columns() const;
  [[nodiscard]] Row operator[](std::size_t row) const { return Row(result_.get(), static_cast<int>(row)); }
  // Rows touched by INSERT/UPDATE/DELETE/MERGE (0 for other statements).
  [[nodiscard]] std::int64_t affected() const;
  // The command tag's verb ("INSERT", "COMMIT", "ROLLBACK", ...).
  [[nodiscard]] std::string command() const;

  // The single value of a one-row, one-column result (SELECT count(*) ...).
  template <class T>
  [[nodiscard]] Result<T> scalar() const {
    if (size() != 1 || columns() < 1)
      return make_error(errc::pg_decode, "expected one row, got " + std::to_string(size()));
    return (*this)[0].get<T>(0);
  }

  class iterator {
   public:
    iterator(const pg_result* r, int i) : result_(r), i_(i) {}
    Row operator*() const { return Row(result_, i_); }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator==(const iterator& o) const { return i_ == o.i_; }

   private:
    const pg_result* result_;
    int i_;
  };
  [[nodiscard]] iterator begin() const { return iterator(result_.get(), 0); }
  [[nodiscard]] iterator end() const { return iterator(result_.get(), static_cast<int>(size())); }

 private:
  std::shared_ptr<pg_result> result_;
};

}  // namespace blazed::pg
