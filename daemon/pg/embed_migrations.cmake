# Owns the build step that turns daemon/pg/migrations/NNNN_name.sql into a C++ table.
# Run as: cmake -DDIR=<migrations dir> -DOUT=<generated .cpp> -P embed_migrations.cmake
# Fails the build on a badly named file or a version used twice.
cmake_minimum_required(VERSION 3.25)
file(GLOB files RELATIVE "${DIR}" "${DIR}/*.sql")
list(SORT files)
set(entries "")
set(seen "")
foreach(f IN LISTS files)
  if(NOT f MATCHES "^([0-9][0-9][0-9][0-9])_([a-z0-9_]+)\\.sql$")
    message(FATAL_ERROR "migration file ${f}: name it NNNN_lowercase_name.sql")
  endif()
  set(name "${CMAKE_MATCH_2}")
  string(REGEX REPLACE "^0+" "" version "${CMAKE_MATCH_1}")
  if(version STREQUAL "")
    message(FATAL_ERROR "migration file ${f}: version 0000 is reserved")
  endif()
  if(version IN_LIST seen)
    message(FATAL_ERROR "migration version ${version} is used by two files")
  endif()
  list(APPEND seen "${version}")
  file(READ "${DIR}/${f}" sql)
  string(FIND "${sql}" ")blazed_sql\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "migration file ${f} contains the raw string delimiter")
  endif()
  string(APPEND entries "    {${version}, \"${name}\", R\"blazed_sql(${sql})blazed_sql\"},\n")
endforeach()

set(content "// Generated from daemon/pg/migrations by embed_migrations.cmake; do not edit.
#include \"pg/embedded_migrations.hpp\"

namespace blazed::pg::detail {

const EmbeddedMigration kEmbeddedMigrations[] = {
${entries}};
const std::size_t kEmbeddedMigrationCount = sizeof kEmbeddedMigrations / sizeof kEmbeddedMigrations[0];

}  // namespace blazed::pg::detail
")
# Rewrite only on change, so an unchanged set of files does not recompile.
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
  if(old STREQUAL content)
    return()
  endif()
endif()
file(WRITE "${OUT}" "${content}")
