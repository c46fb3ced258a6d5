// Typed statements on PostgreSQL: what Execute prepares (Prepared), how result columns are
// decoded (Kind, by type OID), and the Result over a PGresult.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "driver/result.hpp"

namespace strata::driver::postgres {

// How a result column is decoded. Every kind but kOther has a binary decoder.
enum class Kind : std::uint8_t {
  kInt2,
  kInt4,
  kInt8,
  kOid,
  kFloat4,
  kFloat8,
  kNumeric,
  kBool,
  kBytea,
  kUuid,
  kTimestamptz,
  kTimestamp,
  kDate,
  kText,   // text, varchar, bpchar, name, "char", json, xml, unknown, enums, citext
  kJsonb,  // text after a version byte in binary format
  kOther,  // read as text only
};

// The kind of a built-in type OID, kOther for types the driver does not know by OID.
Kind BuiltinKind(Oid oid);

// The PostgreSQL epoch (2000-01-01) in Unix microseconds.
constexpr std::int64_t kPgEpochMicros = 946'684'800'000'000;

struct Prepared {
  std::string name;         // the server-side statement name, "strata_<n>"
  std::vector<Oid> params;  // the parameter types it was prepared with (0: server infers)
  int nparams = 0;          // parameters the server counts (it infers types of unlisted ones)
  std::vector<Oid> types;   // result column types
  std::vector<Kind> kinds;  // their decoders
  bool binary = true;       // results requested in binary format (no kOther column)
  // False for a statement too large to describe (see PgConn::Prepare): its result shape is
  // learnt from its first execution, which asks for text format.
  bool described = true;
};

// The Result of one execution. Takes ownership of `result` (PGRES_TUPLES_OK or _COMMAND_OK).
std::unique_ptr<Result::Impl> MakeResult(PGresult* result,
                                         std::shared_ptr<const Prepared> prepared);

}  // namespace strata::driver::postgres
