// The typed statement path (Conn::Execute, Result) beside the same statements written by hand
// against libpq (PQprepare once, PQexecPrepared with binary parameters and results, cells decoded
// in place) and sqlite3 (prepared once, bound, stepped, columns read), on three cases per dialect:
// insert one row, select one row by id, select 10,000 rows reading every column. Every case
// reads the same seven columns (bigint, text, double, boolean, bytes, time, UUID) into the same
// C++ types; the hand-written code checks the five nullable ones for NULL, as correct code must
// (strata's getters check every cell).
//
// Paired: each iteration runs the strata operation and the hand-written one, in alternating
// order, on two connections to the same database, and times each, so that the load of a shared
// machine and the server's state fall on both sides alike. Prints, per case, the medians over
// the repetitions of each side's median time per operation and their ratio strata /
// hand-written (target <= 1.10), and the same for the client's CPU time per operation (the part
// a driver controls; on PostgreSQL the rest is the server, the network and the scheduler).
#include <fmt/format.h>
#include <postgresql/libpq-fe.h>
#include <sched.h>
#include <sqlite3.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <random>
#include <string_view>
#include <vector>

#include "strata/driver.hpp"
#include "support.hpp"

namespace strata::bench {
namespace {

namespace fs = std::filesystem;

constexpr int kRows = 10'000;
constexpr std::int64_t kPgEpochMicros = 946'684'800'000'000;

std::string g_pg_url;
fs::path g_sqlite_path;
std::string g_sqlite_url;

const char* const kColumns = "id, name, score, active, data, created, uid";

// What reading a row yields, folded so that no read can be optimized away.
struct Sink {
  std::int64_t ints = 0;
  double doubles = 0;
  std::size_t sizes = 0;
  void Add(std::int64_t id, std::string_view name, double score, bool active, const Bytes& data,
           Time created, const UUID& uid) {
    ints += id + active + created.time_since_epoch().count() + uid.bytes[15];
    doubles += score;
    sizes += name.size() + data.size();
  }
};

Time TimeOfMicros(std::int64_t us) {
  return Time(std::chrono::duration_cast<Time::duration>(std::chrono::microseconds(us)));
}
std::int64_t MicrosOf(Time t) {
  return std::chrono::floor<std::chrono::microseconds>(t.time_since_epoch()).count();
}

// ---- Set-up ----------------------------------------------------------------------------------

void Setup() {
  g_pg_url = CreateDatabase("strata_bench_driver");
  auto pg = Connect(g_pg_url);
  pg->Exec(
      "CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, score double precision, "
      "active boolean, data bytea, created timestamptz, uid uuid);"
      "CREATE TABLE inserts (id bigint PRIMARY KEY, name text NOT NULL, score double precision, "
      "active boolean, data bytea, created timestamptz, uid uuid);"
      "INSERT INTO items SELECT i, 'item number ' || i, i * 1.25, i % 2 = 0, "
      "decode(lpad(to_hex(i), 32, '0'), 'hex'), timestamptz '2020-01-01 00:00:00+00' + i * "
      "interval '1 second 1 microsecond', md5(i::text)::uuid FROM generate_series(1, 10000) i");
  pg->Exec("VACUUM ANALYZE items");  // a request of its own: VACUUM refuses a transaction

  g_sqlite_path = fs::temp_directory_path() / fmt::format("strata_bench_driver_{}.db", getpid());
  fs::remove(g_sqlite_path);
  g_sqlite_url = "sqlite://" + g_sqlite_path.string();
  auto lite = Connect(g_sqlite_url);
  lite->Exec(
      "PRAGMA journal_mode = WAL;"
      "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, active "
      "INTEGER, data BLOB, created TEXT, uid TEXT);"
      "CREATE TABLE inserts (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, active "
      "INTEGER, data BLOB, created TEXT, uid TEXT)");
  // The rows written through strata's typed path, so that both sides read the stored forms.
  Transaction tx(*lite);
  for (std::int64_t i = 1; i <= kRows; ++i) {
    Bytes data(16, 0);
    for (int b = 0; b < 8; ++b) data[15 - b] = static_cast<std::uint8_t>(i >> (8 * b));
    UUID uid;
    for (int b = 0; b < 16; ++b) uid.bytes[b] = static_cast<std::uint8_t>(i * 31 + b);
    const Value row[] = {i,
                         fmt::format("item number {}", i),
                         static_cast<double>(i) * 1.25,
                         i % 2 == 0,
                         data,
                         TimeOfMicros(1'577'836'800'000'000 + i * 1'000'001),
                         uid};
    lite->Execute("INSERT INTO items VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", row);
  }
  tx.Commit();
}

// The row an insert case writes (its id changes each time).
struct NewRow {
  std::string name = "a new item with a name";
  double score = 4.5;
  bool active = true;
  Bytes data = Bytes(16, 0xab);
  Time created = TimeOfMicros(1'700'000'000'123'456);
  UUID uid = UUID::Parse("123e4567-e89b-12d3-a456-426614174000");
};

// ---- strata ----------------------------------------------------------------------------------

std::unique_ptr<Conn> StrataConn(Dialect dialect) {
  auto conn = Connect(dialect == Dialect::kPostgres ? g_pg_url : g_sqlite_url);
  if (dialect == Dialect::kSqlite) conn->Exec("PRAGMA synchronous = NORMAL");
  return conn;
}

std::string Sql(Dialect dialect, std::string_view pg) {
  if (dialect == Dialect::kPostgres) return std::string(pg);
  std::string out(pg);
  for (size_t at; (at = out.find('$')) != std::string::npos;) out[at] = '?';
  return out;
}

const char* const kInsertSql =
    "INSERT INTO inserts (id, name, score, active, data, created, uid) VALUES ($1, $2, $3, $4, $5, "
    "$6, $7)";

// The ids of inserted rows, one sequence for both sides: each insert goes to the end of the
// primary key's index (two ranges would give the lower one the slower path inside the tree).
std::int64_t g_next_id = 0;

// One INSERT through Execute, its row's values passed as Values (copies, as a caller makes them).
struct StrataInsert {
  explicit StrataInsert(Dialect dialect)
      : conn(StrataConn(dialect)), sql(Sql(dialect, kInsertSql)) {
    conn->Exec("DELETE FROM inserts");  // each run counts ids afresh
    g_next_id = 0;
  }
  void operator()() {
    const Value params[] = {++g_next_id, row.name,    row.score, row.active,
                            row.data,    row.created, row.uid};
    Result r = conn->Execute(sql, params);
    if (r.affected() != 1) throw Error("insert did not insert");
  }
  std::unique_ptr<Conn> conn;
  std::string sql;
  NewRow row;
};

void ReadRow(const Result& r, Sink* sink) {
  sink->Add(r.Int(0), r.Text(1), r.Double(2), r.Bool(3), r.Blob(4), r.TimeAt(5), r.Uuid(6));
}

struct StrataSelectOne {
  explicit StrataSelectOne(Dialect dialect)
      : conn(StrataConn(dialect)),
        sql(Sql(dialect, fmt::format("SELECT {} FROM items WHERE id = $1", kColumns))) {}
  void operator()() {
    const Value params[] = {static_cast<std::int64_t>(rng() % kRows + 1)};
    Result r = conn->Execute(sql, params);
    while (r.Next()) ReadRow(r, &sink);
  }
  std::unique_ptr<Conn> conn;
  std::string sql;
  std::mt19937_64 rng{42};
  Sink sink;
};

struct StrataSelectAll {
  explicit StrataSelectAll(Dialect dialect)
      : conn(StrataConn(dialect)), sql(fmt::format("SELECT {} FROM items", kColumns)) {}
  void operator()() {
    Result r = conn->Execute(sql);
    int rows = 0;
    for (; r.Next(); ++rows) ReadRow(r, &sink);
    if (rows != kRows) throw Error("not every row was read");
  }
  std::unique_ptr<Conn> conn;
  std::string sql;
  Sink sink;
};

// ---- libpq by hand ---------------------------------------------------------------------------

struct PgHandle {
  PGconn* conn = nullptr;
  PgHandle() {
    conn = PQconnectdb(g_pg_url.c_str());
    if (PQstatus(conn) != CONNECTION_OK) throw Error(PQerrorMessage(conn));
  }
  ~PgHandle() { PQfinish(conn); }
  PgHandle(const PgHandle&) = delete;
  PgHandle& operator=(const PgHandle&) = delete;
  void Prepare(const char* name, const char* sql, int n, const Oid* types) const {
    PGresult* r = PQprepare(conn, name, sql, n, types);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) throw Error(PQerrorMessage(conn));
  }
};

template <typename T>
T Be(T v) {
  if constexpr (sizeof(T) == 8) {
    return static_cast<T>(__builtin_bswap64(static_cast<std::uint64_t>(v)));
  } else if constexpr (sizeof(T) == 4) {
    return static_cast<T>(__builtin_bswap32(static_cast<std::uint32_t>(v)));
  } else {
    return v;
  }
}
template <typename T>
T LoadBe(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return Be(v);
}

struct LibpqInsert {
  LibpqInsert() {
    const Oid types[] = {20, 0, 701, 16, 17, 1184, 2950};
    pg.Prepare("ins", kInsertSql, 7, types);
  }
  void operator()() {
    const std::int64_t id_be = Be(++g_next_id);
    const std::uint64_t score_be = Be(std::bit_cast<std::uint64_t>(row.score));
    const char active = row.active ? 1 : 0;
    const std::int64_t created_be = Be(MicrosOf(row.created) - kPgEpochMicros);
    const char* values[] = {reinterpret_cast<const char*>(&id_be),
                            row.name.c_str(),
                            reinterpret_cast<const char*>(&score_be),
                            &active,
                            reinterpret_cast<const char*>(row.data.data()),
                            reinterpret_cast<const char*>(&created_be),
                            reinterpret_cast<const char*>(row.uid.bytes.data())};
    const int lengths[] = {
        8, static_cast<int>(row.name.size()), 8, 1, static_cast<int>(row.data.size()), 8, 16};
    const int formats[] = {1, 0, 1, 1, 1, 1, 1};
    PGresult* r = PQexecPrepared(pg.conn, "ins", 7, values, lengths, formats, 1);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK && std::strcmp(PQcmdTuples(r), "1") == 0;
    PQclear(r);
    if (!ok) throw Error(PQerrorMessage(pg.conn));
  }
  PgHandle pg;
  NewRow row;
};

// Columns 2 to 6 are nullable: correct code checks them before decoding, as strata's getters do.
void ReadPgRow(const PGresult* r, int i, Sink* sink) {
  for (int c = 2; c <= 6; ++c) {
    if (PQgetisnull(r, i, c)) throw Error("unexpected NULL");
  }
  const char* data = PQgetvalue(r, i, 4);
  UUID uid;
  std::memcpy(uid.bytes.data(), PQgetvalue(r, i, 6), 16);
  sink->Add(LoadBe<std::int64_t>(PQgetvalue(r, i, 0)),
            std::string_view(PQgetvalue(r, i, 1), static_cast<size_t>(PQgetlength(r, i, 1))),
            std::bit_cast<double>(LoadBe<std::uint64_t>(PQgetvalue(r, i, 2))),
            *PQgetvalue(r, i, 3) != 0, Bytes(data, data + PQgetlength(r, i, 4)),
            TimeOfMicros(LoadBe<std::int64_t>(PQgetvalue(r, i, 5)) + kPgEpochMicros), uid);
}

struct LibpqSelectOne {
  LibpqSelectOne() {
    const Oid types[] = {20};
    pg.Prepare("one", fmt::format("SELECT {} FROM items WHERE id = $1", kColumns).c_str(), 1,
               types);
  }
  void operator()() {
    const std::int64_t id_be = Be(static_cast<std::int64_t>(rng() % kRows + 1));
    const char* values[] = {reinterpret_cast<const char*>(&id_be)};
    const int lengths[] = {8};
    const int formats[] = {1};
    PGresult* r = PQexecPrepared(pg.conn, "one", 1, values, lengths, formats, 1);
    for (int i = 0, n = PQntuples(r); i < n; ++i) ReadPgRow(r, i, &sink);
    PQclear(r);
  }
  PgHandle pg;
  std::mt19937_64 rng{42};
  Sink sink;
};

struct LibpqSelectAll {
  LibpqSelectAll() {
    pg.Prepare("all", fmt::format("SELECT {} FROM items", kColumns).c_str(), 0, nullptr);
  }
  void operator()() {
    PGresult* r = PQexecPrepared(pg.conn, "all", 0, nullptr, nullptr, nullptr, 1);
    const int n = PQntuples(r);
    for (int i = 0; i < n; ++i) ReadPgRow(r, i, &sink);
    PQclear(r);
    if (n != kRows) throw Error("not every row was read");
  }
  PgHandle pg;
  Sink sink;
};

// ---- sqlite3 by hand -------------------------------------------------------------------------

struct LiteHandle {
  sqlite3* db = nullptr;
  sqlite3_stmt* stmt = nullptr;
  explicit LiteHandle(const std::string& sql) {
    // One thread per connection, as strata opens its own: no per-connection mutex.
    sqlite3_open_v2(g_sqlite_path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                    nullptr);
    sqlite3_busy_timeout(db, 5000);
    sqlite3_exec(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL", nullptr, nullptr,
                 nullptr);
    if (sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
        SQLITE_OK) {
      throw Error(sqlite3_errmsg(db));
    }
  }
  ~LiteHandle() {
    sqlite3_finalize(stmt);
    sqlite3_close(db);
  }
  LiteHandle(const LiteHandle&) = delete;
  LiteHandle& operator=(const LiteHandle&) = delete;
};

// "2006-01-02T15:04:05.000000Z", fixed width, as strata stores it.
void FormatTime(Time t, char out[27]) {
  const std::int64_t us = MicrosOf(t);
  const auto day = std::chrono::floor<std::chrono::days>(std::chrono::microseconds(us));
  const std::chrono::year_month_day ymd{std::chrono::sys_days(day)};
  const std::int64_t rem = us - std::chrono::duration_cast<std::chrono::microseconds>(day).count();
  fmt::format_to(out, "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", int(ymd.year()),
                 unsigned(ymd.month()), unsigned(ymd.day()), rem / 3'600'000'000,
                 rem / 60'000'000 % 60, rem / 1'000'000 % 60, rem % 1'000'000);
}

Time ParseFixedTime(const unsigned char* s) {
  auto num = [&](int at, int n) {
    int v = 0;
    for (int i = 0; i < n; ++i) v = v * 10 + (s[at + i] - '0');
    return v;
  };
  const std::chrono::sys_days day{std::chrono::year(num(0, 4)) / static_cast<unsigned>(num(5, 2)) /
                                  static_cast<unsigned>(num(8, 2))};
  const std::int64_t us =
      std::chrono::duration_cast<std::chrono::microseconds>(day.time_since_epoch()).count() +
      (num(11, 2) * 3600LL + num(14, 2) * 60 + num(17, 2)) * 1'000'000 + num(20, 6);
  return TimeOfMicros(us);
}

UUID ParseUuidText(const unsigned char* s) {
  auto hex = [](unsigned char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  UUID u;
  for (int i = 0, n = 0; i < 36 && n < 16; ++i) {
    if (s[i] == '-') continue;
    u.bytes[n++] = static_cast<std::uint8_t>(hex(s[i]) << 4 | hex(s[i + 1]));
    ++i;
  }
  return u;
}

struct Sqlite3Insert {
  Sqlite3Insert() : lite(Sql(Dialect::kSqlite, kInsertSql)) {}
  void operator()() {
    sqlite3_stmt* s = lite.stmt;
    char created[27];
    FormatTime(row.created, created);
    const std::string uid = row.uid.ToString();
    sqlite3_bind_int64(s, 1, ++g_next_id);
    sqlite3_bind_text(s, 2, row.name.data(), static_cast<int>(row.name.size()), SQLITE_STATIC);
    sqlite3_bind_double(s, 3, row.score);
    sqlite3_bind_int(s, 4, row.active ? 1 : 0);
    sqlite3_bind_blob(s, 5, row.data.data(), static_cast<int>(row.data.size()), SQLITE_STATIC);
    sqlite3_bind_text(s, 6, created, 27, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 7, uid.data(), static_cast<int>(uid.size()), SQLITE_TRANSIENT);
    const bool ok = sqlite3_step(s) == SQLITE_DONE && sqlite3_changes(lite.db) == 1;
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (!ok) throw Error(sqlite3_errmsg(lite.db));
  }
  LiteHandle lite;
  NewRow row;
};

// Columns 2 to 6 are nullable: correct code checks them before reading, as strata's getters do.
void ReadLiteRow(sqlite3_stmt* s, Sink* sink) {
  for (int c = 2; c <= 6; ++c) {
    if (sqlite3_column_type(s, c) == SQLITE_NULL) throw Error("unexpected NULL");
  }
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(s, 4));
  sink->Add(sqlite3_column_int64(s, 0),
            std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(s, 1)),
                             static_cast<size_t>(sqlite3_column_bytes(s, 1))),
            sqlite3_column_double(s, 2), sqlite3_column_int(s, 3) != 0,
            Bytes(data, data + sqlite3_column_bytes(s, 4)),
            ParseFixedTime(sqlite3_column_text(s, 5)), ParseUuidText(sqlite3_column_text(s, 6)));
}

struct Sqlite3SelectOne {
  Sqlite3SelectOne() : lite(fmt::format("SELECT {} FROM items WHERE id = ?1", kColumns)) {}
  void operator()() {
    sqlite3_bind_int64(lite.stmt, 1, static_cast<std::int64_t>(rng() % kRows + 1));
    while (sqlite3_step(lite.stmt) == SQLITE_ROW) ReadLiteRow(lite.stmt, &sink);
    sqlite3_reset(lite.stmt);
    sqlite3_clear_bindings(lite.stmt);
  }
  LiteHandle lite;
  std::mt19937_64 rng{42};
  Sink sink;
};

struct Sqlite3SelectAll {
  Sqlite3SelectAll() : lite(fmt::format("SELECT {} FROM items", kColumns)) {}
  void operator()() {
    int rows = 0;
    for (; sqlite3_step(lite.stmt) == SQLITE_ROW; ++rows) ReadLiteRow(lite.stmt, &sink);
    sqlite3_reset(lite.stmt);
    if (rows != kRows) throw Error("not every row was read");
  }
  LiteHandle lite;
  Sink sink;
};

// ---- Pairs ------------------------------------------------------------------------------------

// The thread's CPU time in microseconds: the client's share of an operation, which is all a
// driver can change (the server's work, the network and the scheduler are the same for both).
double CpuMicros() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

struct Times {
  std::vector<double> wall;
  std::vector<double> cpu;
};

template <typename Op>
void TimeRun(Op& op, Times* times) {
  const double cpu = CpuMicros();
  const auto start = std::chrono::steady_clock::now();
  op();
  const auto end = std::chrono::steady_clock::now();
  times->cpu.push_back(CpuMicros() - cpu);
  times->wall.push_back(std::chrono::duration<double, std::micro>(end - start).count());
}

double Median(std::vector<double>& v) {
  if (v.empty()) return 0;
  auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

// Runs both sides once per iteration, in alternating order. Counters: each side's median
// wall-clock time per operation (a median, so that an operation the scheduler preempted does not
// count for thousands) and median client CPU time per operation.
template <typename Strata, typename Baseline>
void Paired(benchmark::State& state, Strata& strata, Baseline& baseline) {
  Times ours;
  Times theirs;
  try {
    strata();  // warm both (first executions prepare)
    baseline();
    for (auto _ : state) {
      if (ours.wall.size() % 2 == 0) {
        TimeRun(strata, &ours);
        TimeRun(baseline, &theirs);
      } else {
        TimeRun(baseline, &theirs);
        TimeRun(strata, &ours);
      }
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  state.counters["strata_us"] = Median(ours.wall);
  state.counters["baseline_us"] = Median(theirs.wall);
  state.counters["strata_cpu_us"] = Median(ours.cpu);
  state.counters["baseline_cpu_us"] = Median(theirs.cpu);
}

// The server processes of both sides' connections run on one core, the client on another (when
// there are two and the processes may be moved): where the scheduler puts a backend (beside the
// client or not) changes a round trip's latency by half, per connection, and would otherwise
// decide a ratio of single-row cases.
void PinBackends(std::initializer_list<int> pids) {
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus < 2) return;
  cpu_set_t server;
  CPU_ZERO(&server);
  CPU_SET(1, &server);
  for (int pid : pids) {
    if (sched_setaffinity(pid, sizeof server, &server) != 0) {
      static bool told = false;
      if (!told) fmt::print(stderr, "note: cannot pin PostgreSQL backends (not permitted)\n");
      told = true;
    }
  }
}

int BackendPid(Conn& conn) {
  Result r = conn.Execute("SELECT pg_backend_pid()");
  if (!r.Next()) throw Error("no backend pid");
  return static_cast<int>(r.Int(0));
}

// Each run opens both sides' connections afresh, alternately strata's first and the
// hand-written one's first.
template <typename Strata, typename Baseline, typename... Args>
void Run(benchmark::State& state, Args... args) {
  static int runs = 0;
  std::optional<Strata> strata;
  std::optional<Baseline> baseline;
  if (runs++ % 2 == 0) {
    strata.emplace(args...);
    baseline.emplace();
  } else {
    baseline.emplace();
    strata.emplace(args...);
  }
  if constexpr (requires { baseline->pg.conn; }) {
    PinBackends({BackendPid(*strata->conn), PQbackendPID(baseline->pg.conn)});
  }
  Paired(state, *strata, *baseline);
}

void PgInsertOne(benchmark::State& state) {
  Run<StrataInsert, LibpqInsert>(state, Dialect::kPostgres);
}
void PgSelectOne(benchmark::State& state) {
  Run<StrataSelectOne, LibpqSelectOne>(state, Dialect::kPostgres);
}
void PgSelect10k(benchmark::State& state) {
  Run<StrataSelectAll, LibpqSelectAll>(state, Dialect::kPostgres);
}
void SqliteInsertOne(benchmark::State& state) {
  Run<StrataInsert, Sqlite3Insert>(state, Dialect::kSqlite);
}
void SqliteSelectOne(benchmark::State& state) {
  Run<StrataSelectOne, Sqlite3SelectOne>(state, Dialect::kSqlite);
}
void SqliteSelect10k(benchmark::State& state) {
  Run<StrataSelectAll, Sqlite3SelectAll>(state, Dialect::kSqlite);
}

constexpr int kRepetitions = 21;

#define STRATA_BENCH(fn)              \
  BENCHMARK(fn)                       \
      ->Unit(benchmark::kMicrosecond) \
      ->UseRealTime()                 \
      ->MinTime(0.25)                 \
      ->Repetitions(kRepetitions)     \
      ->ReportAggregatesOnly(true)

STRATA_BENCH(PgInsertOne);
STRATA_BENCH(PgSelectOne);
STRATA_BENCH(PgSelect10k);
STRATA_BENCH(SqliteInsertOne);
STRATA_BENCH(SqliteSelectOne);
STRATA_BENCH(SqliteSelect10k);

void Summarize(const MedianReporter& reporter) {
  fmt::print(
      "\nSummary (paired runs; medians over {} repetitions of each side's median per "
      "operation; target: wall-clock ratio strata / hand-written <= 1.10):\n",
      kRepetitions);
  const std::pair<const char*, const char*> cases[] = {
      {"PgInsertOne", "libpq"},       {"PgSelectOne", "libpq"},
      {"PgSelect10k", "libpq"},       {"SqliteInsertOne", "sqlite3"},
      {"SqliteSelectOne", "sqlite3"}, {"SqliteSelect10k", "sqlite3"}};
  for (const auto& [name, baseline] : cases) {
    const double ours = reporter.MedianCounter(name, "strata_us");
    const double theirs = reporter.MedianCounter(name, "baseline_us");
    if (ours == 0 || theirs == 0) continue;  // filtered out
    const double ours_cpu = reporter.MedianCounter(name, "strata_cpu_us");
    const double theirs_cpu = reporter.MedianCounter(name, "baseline_cpu_us");
    const double ratio = ours / theirs;
    fmt::print(
        "  {:<16} strata {:>9.2f} us vs {:<7} {:>9.2f} us: ratio {:.3f}, {}; client CPU {:.2f} "
        "vs {:.2f} us: ratio {:.3f}\n",
        name, ours, baseline, theirs, ratio, ratio <= 1.10 ? "met" : "MISSED", ours_cpu, theirs_cpu,
        theirs_cpu > 0 ? ours_cpu / theirs_cpu : 0);
  }
  auto admin = Connect(AdminUrl());
  admin->Exec("DROP DATABASE IF EXISTS strata_bench_driver WITH (FORCE)");
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(g_sqlite_path.string() + suffix);
}

}  // namespace
}  // namespace strata::bench

int main(int argc, char** argv) {
  // The client on core 0 (see PinBackends).
  if (sysconf(_SC_NPROCESSORS_ONLN) >= 2) {
    cpu_set_t client;
    CPU_ZERO(&client);
    CPU_SET(0, &client);
    sched_setaffinity(0, sizeof client, &client);
  }
  return strata::bench::RunBenchmarks(argc, argv, strata::bench::Setup, strata::bench::Summarize);
}
