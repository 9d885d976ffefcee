// Owns the interface to the build-generated table of migration files (embed_migrations.cmake).
#pragma once

#include <cstddef>

namespace blazed::pg::detail {

struct EmbeddedMigration {
  int version;
  const char* name;
  const char* sql;
};

extern const EmbeddedMigration kEmbeddedMigrations[];
extern const std::size_t kEmbeddedMigrationCount;

}  // namespace blazed::pg::detail
