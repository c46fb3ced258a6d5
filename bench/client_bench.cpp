// The generated client (bench/schema: User with pets → Pet) against hand-written libpq and sqlite3
// code sending the same statements, on PostgreSQL (the bench cluster) and SQLite (a file in WAL
// mode): one INSERT … RETURNING, a 10,000-row bulk create, get by id, a 10,000-row query, and
// 1,000 users eager-loaded with their 5,000 pets. Also `strata generate` of a generated 300-entity
// folder, cold (empty cache) and warm. Target per case: client ≤ 1.10 × hand-written, in wall
// time (medians of 9 repetitions, the two sides' repetitions interleaved at random); the summary
// also gives each side's thread CPU time, which a busy machine inflates less. A missed target is
// printed, not turned into a failure; a benchmark that cannot run fails the binary.
//
// The hand-written side does the same work: the statements the client sends (setup compares the
// texts with the client's debug log), each prepared once per connection (PQprepare /
// sqlite3_prepare_v3 with SQLITE_PREPARE_PERSISTENT), PostgreSQL results and integer parameters
// in binary format as the driver asks for them, rows read into plain structs. Eager loading uses
// the same array parameter the client binds (PostgreSQL `= ANY($1)` with an array literal, SQLite
// `IN (SELECT value FROM json_each(?1))` with a JSON array): one statement text for any number of
// parents, which is what a hand-written program that prepares its statements would write too.
#include <endian.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "ent/client.hpp"
#include "strata/driver.hpp"
#include "support.hpp"

namespace strata::bench {
namespace {

namespace fs = std::filesystem;

constexpr int kBulkRows = 10000;
constexpr int kQueryRows = 10000;
constexpr int kEagerUsers = 1000;
constexpr int kPetsPerUser = 5;
constexpr int kGenerateEntities = 300;
constexpr double kTarget = 1.10;
constexpr int kRepetitions = 9;

// ---- The hand-written side's rows ---------------------------------------------------------------

struct UserRow {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::int64_t> age;
};

struct PetRow {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::int64_t> owner_id;
};

struct UserWithPets {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::int64_t> age;
  std::vector<PetRow> pets;
};

struct NewUser {
  std::string name;
  std::int64_t age = 0;
};

// ---- The statements (the client's text, PostgreSQL placeholders) ------------------------------

constexpr const char* kInsertOne =
    R"(INSERT INTO "users" ("name", "age") VALUES ($1, $2) RETURNING "id", "name", "age")";
constexpr const char* kGet =
    R"(SELECT "t0"."id", "t0"."name", "t0"."age" FROM "users" AS "t0" WHERE "t0"."id" = $1 LIMIT $2)";
constexpr const char* kAll = R"(SELECT "t0"."id", "t0"."name", "t0"."age" FROM "users" AS "t0")";
constexpr const char* kPetsPg =
    R"(SELECT "t0"."user_pets" AS "strata_key", "t0"."id", "t0"."name", "t0"."user_pets" FROM "pets" AS "t0" WHERE "t0"."user_pets" = ANY($1))";
constexpr const char* kPetsSqlite =
    R"(SELECT "t0"."user_pets" AS "strata_key", "t0"."id", "t0"."name", "t0"."user_pets" FROM "pets" AS "t0" WHERE "t0"."user_pets" IN (SELECT value FROM json_each(?1)))";

// $n → ?n (the texts above have no other '$').
std::string ForDialect(std::string sql, Dialect dialect) {
  if (dialect == Dialect::kSqlite) std::replace(sql.begin(), sql.end(), '$', '?');
  return sql;
}

// The multi-row INSERT of `rows` (name, age) rows, as RenderInsert writes it.
std::string BulkInsertSql(int rows, Dialect dialect) {
  std::string sql = R"(INSERT INTO "users" ("name", "age") VALUES )";
  sql.reserve(sql.size() + static_cast<size_t>(rows) * 18 + 40);
  for (int r = 0; r < rows; ++r) {
    if (r > 0) sql += ", ";
    sql += fmt::format("(${}, ${})", 2 * r + 1, 2 * r + 2);
  }
  sql += R"( RETURNING "id", "name", "age")";
  return ForDialect(std::move(sql), dialect);
}

// ---- Hand-written access -----------------------------------------------------------------------

class Baseline {
 public:
  virtual ~Baseline() = default;
  virtual UserRow InsertOne(const std::string& name, std::int64_t age) = 0;
  virtual std::vector<UserRow> InsertBulk(const std::vector<NewUser>& rows) = 0;
  virtual UserRow Get(std::int64_t id) = 0;
  virtual std::vector<UserRow> All() = 0;
  virtual std::vector<UserWithPets> AllWithPets() = 0;
};

// libpq: every statement prepared once; integer parameters and every result in binary format.
class PgBaseline final : public Baseline {
 public:
  // `bulk`: also prepare the 10,000-row INSERT (only the bulk case's connection sends it).
  PgBaseline(const std::string& url, bool bulk) : conn_(PQconnectdb(url.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) Fail("connect");
    Prepare("insert_one", kInsertOne, 2);
    if (bulk) {
      Prepare("insert_bulk", BulkInsertSql(kBulkRows, Dialect::kPostgres).c_str(), 2 * kBulkRows);
    }
    Prepare("get", kGet, 2);
    Prepare("all", kAll, 0);
    Prepare("pets", kPetsPg, 1);
    bulk_formats_.resize(2 * kBulkRows);
    for (int i = 0; i < 2 * kBulkRows; ++i) bulk_formats_[i] = i % 2;  // name text, age binary
  }
  ~PgBaseline() override { PQfinish(conn_); }

  UserRow InsertOne(const std::string& name, std::int64_t age) override {
    const std::uint64_t age_be = htobe64(static_cast<std::uint64_t>(age));
    const char* values[] = {name.c_str(), reinterpret_cast<const char*>(&age_be)};
    const int lengths[] = {static_cast<int>(name.size()), 8};
    const int formats[] = {0, 1};
    PGresult* r = Run("insert_one", 2, values, lengths, formats);
    UserRow u = ReadUser(r, 0, 0);
    PQclear(r);
    return u;
  }

  std::vector<UserRow> InsertBulk(const std::vector<NewUser>& rows) override {
    const int n = static_cast<int>(rows.size());
    std::vector<const char*> values(2 * n);
    std::vector<int> lengths(2 * n);
    std::vector<std::uint64_t> ages(n);
    for (int i = 0; i < n; ++i) {
      ages[i] = htobe64(static_cast<std::uint64_t>(rows[i].age));
      values[2 * i] = rows[i].name.c_str();
      lengths[2 * i] = static_cast<int>(rows[i].name.size());
      values[2 * i + 1] = reinterpret_cast<const char*>(&ages[i]);
      lengths[2 * i + 1] = 8;
    }
    Command("BEGIN");
    PGresult* r = Run("insert_bulk", 2 * n, values.data(), lengths.data(), bulk_formats_.data());
    std::vector<UserRow> out = ReadUsers(r);
    PQclear(r);
    Command("COMMIT");
    return out;
  }

  UserRow Get(std::int64_t id) override {
    const std::uint64_t id_be = htobe64(static_cast<std::uint64_t>(id));
    const std::uint64_t one_be = htobe64(1);
    const char* values[] = {reinterpret_cast<const char*>(&id_be),
                            reinterpret_cast<const char*>(&one_be)};
    const int lengths[] = {8, 8};
    const int formats[] = {1, 1};
    PGresult* r = Run("get", 2, values, lengths, formats);
    if (PQntuples(r) != 1) throw std::runtime_error("get: no such user");
    UserRow u = ReadUser(r, 0, 0);
    PQclear(r);
    return u;
  }

  std::vector<UserRow> All() override {
    PGresult* r = Run("all", 0, nullptr, nullptr, nullptr);
    std::vector<UserRow> out = ReadUsers(r);
    PQclear(r);
    return out;
  }

  std::vector<UserWithPets> AllWithPets() override {
    std::vector<UserWithPets> users;
    std::unordered_map<std::int64_t, size_t> index;
    std::string ids = "{";
    {
      PGresult* r = Run("all", 0, nullptr, nullptr, nullptr);
      const int n = PQntuples(r);
      users.reserve(n);
      index.reserve(n);
      for (int i = 0; i < n; ++i) {
        UserRow u = ReadUser(r, i, 0);
        index.emplace(u.id, users.size());
        if (i > 0) ids.push_back(',');
        ids += std::to_string(u.id);
        users.push_back(UserWithPets{u.id, std::move(u.name), u.age, {}});
      }
      PQclear(r);
    }
    ids.push_back('}');
    if (users.empty()) return users;
    const char* values[] = {ids.c_str()};
    const int lengths[] = {static_cast<int>(ids.size())};
    const int formats[] = {0};
    PGresult* r = Run("pets", 1, values, lengths, formats);
    const int n = PQntuples(r);
    for (int i = 0; i < n; ++i) {
      PetRow p;
      p.id = Int8(r, i, 1);
      p.name.assign(PQgetvalue(r, i, 2), PQgetlength(r, i, 2));
      if (!PQgetisnull(r, i, 3)) p.owner_id = Int8(r, i, 3);
      users[index.at(Int8(r, i, 0))].pets.push_back(std::move(p));
    }
    PQclear(r);
    return users;
  }

 private:
  [[noreturn]] void Fail(const char* what) {
    throw std::runtime_error(fmt::format("libpq {}: {}", what, PQerrorMessage(conn_)));
  }
  void Prepare(const char* name, const char* sql, int params) {
    PGresult* r = PQprepare(conn_, name, sql, params, nullptr);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) Fail(name);
  }
  void Command(const char* sql) {
    PGresult* r = PQexec(conn_, sql);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) Fail(sql);
  }
  PGresult* Run(const char* name, int n, const char* const* values, const int* lengths,
                const int* formats) {
    PGresult* r = PQexecPrepared(conn_, name, n, values, lengths, formats, 1);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      PQclear(r);
      Fail(name);
    }
    return r;
  }
  static std::int64_t Int8(const PGresult* r, int row, int col) {
    std::uint64_t v;
    std::memcpy(&v, PQgetvalue(r, row, col), 8);
    return static_cast<std::int64_t>(be64toh(v));
  }
  static UserRow ReadUser(const PGresult* r, int row, int first) {
    UserRow u;
    u.id = Int8(r, row, first);
    u.name.assign(PQgetvalue(r, row, first + 1), PQgetlength(r, row, first + 1));
    if (!PQgetisnull(r, row, first + 2)) u.age = Int8(r, row, first + 2);
    return u;
  }
  static std::vector<UserRow> ReadUsers(const PGresult* r) {
    const int n = PQntuples(r);
    std::vector<UserRow> out;
    out.reserve(n);
    for (int i = 0; i < n; ++i) out.push_back(ReadUser(r, i, 0));
    return out;
  }

  PGconn* conn_;
  std::vector<int> bulk_formats_;
};

// sqlite3: every statement prepared once (SQLITE_PREPARE_PERSISTENT), stepped and reset.
class SqliteBaseline final : public Baseline {
 public:
  // `pragmas`: "PRAGMA x = y" statements giving this connection the client's settings; `bulk`:
  // also prepare the 10,000-row INSERT (only the bulk case's connection sends it).
  SqliteBaseline(const std::string& path, const std::vector<std::string>& pragmas, bool bulk) {
    // NOMUTEX: one thread uses the connection, as the driver opens its own.
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
        SQLITE_OK) {
      Fail("open");
    }
    for (const std::string& p : pragmas) {
      if (sqlite3_exec(db_, p.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) Fail(p.c_str());
    }
    insert_one_ = Prepare(ForDialect(kInsertOne, Dialect::kSqlite));
    if (bulk) insert_bulk_ = Prepare(BulkInsertSql(kBulkRows, Dialect::kSqlite));
    get_ = Prepare(ForDialect(kGet, Dialect::kSqlite));
    all_ = Prepare(kAll);
    pets_ = Prepare(kPetsSqlite);
    begin_ = Prepare("BEGIN");
    commit_ = Prepare("COMMIT");
  }
  ~SqliteBaseline() override {
    for (sqlite3_stmt* s : {insert_one_, insert_bulk_, get_, all_, pets_, begin_, commit_}) {
      sqlite3_finalize(s);
    }
    sqlite3_close(db_);
  }

  UserRow InsertOne(const std::string& name, std::int64_t age) override {
    sqlite3_bind_text(insert_one_, 1, name.data(), static_cast<int>(name.size()), SQLITE_STATIC);
    sqlite3_bind_int64(insert_one_, 2, age);
    if (sqlite3_step(insert_one_) != SQLITE_ROW) Fail("insert");
    UserRow u = ReadUser(insert_one_);
    Finish(insert_one_);
    return u;
  }

  std::vector<UserRow> InsertBulk(const std::vector<NewUser>& rows) override {
    Step(begin_);
    const int n = static_cast<int>(rows.size());
    for (int i = 0; i < n; ++i) {
      sqlite3_bind_text(insert_bulk_, 2 * i + 1, rows[i].name.data(),
                        static_cast<int>(rows[i].name.size()), SQLITE_STATIC);
      sqlite3_bind_int64(insert_bulk_, 2 * i + 2, rows[i].age);
    }
    std::vector<UserRow> out = ReadUsers(insert_bulk_);
    Step(commit_);
    return out;
  }

  UserRow Get(std::int64_t id) override {
    sqlite3_bind_int64(get_, 1, id);
    sqlite3_bind_int64(get_, 2, 1);
    if (sqlite3_step(get_) != SQLITE_ROW) Fail("get");
    UserRow u = ReadUser(get_);
    Finish(get_);
    return u;
  }

  std::vector<UserRow> All() override { return ReadUsers(all_); }

  std::vector<UserWithPets> AllWithPets() override {
    std::vector<UserWithPets> users;
    std::unordered_map<std::int64_t, size_t> index;
    std::string ids = "[";
    int rc;
    while ((rc = sqlite3_step(all_)) == SQLITE_ROW) {
      UserRow u = ReadUser(all_);
      index.emplace(u.id, users.size());
      if (!users.empty()) ids.push_back(',');
      ids += std::to_string(u.id);
      users.push_back(UserWithPets{u.id, std::move(u.name), u.age, {}});
    }
    if (rc != SQLITE_DONE) Fail("all");
    sqlite3_reset(all_);
    ids.push_back(']');
    if (users.empty()) return users;
    sqlite3_bind_text(pets_, 1, ids.data(), static_cast<int>(ids.size()), SQLITE_STATIC);
    while ((rc = sqlite3_step(pets_)) == SQLITE_ROW) {
      PetRow p;
      p.id = sqlite3_column_int64(pets_, 1);
      p.name.assign(reinterpret_cast<const char*>(sqlite3_column_text(pets_, 2)),
                    sqlite3_column_bytes(pets_, 2));
      if (sqlite3_column_type(pets_, 3) != SQLITE_NULL) p.owner_id = sqlite3_column_int64(pets_, 3);
      users[index.at(sqlite3_column_int64(pets_, 0))].pets.push_back(std::move(p));
    }
    if (rc != SQLITE_DONE) Fail("pets");
    sqlite3_reset(pets_);
    return users;
  }

 private:
  [[noreturn]] void Fail(const char* what) {
    throw std::runtime_error(fmt::format("sqlite3 {}: {}", what, sqlite3_errmsg(db_)));
  }
  sqlite3_stmt* Prepare(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) {
      Fail("prepare");
    }
    return s;
  }
  void Step(sqlite3_stmt* s) {
    if (sqlite3_step(s) != SQLITE_DONE) Fail(sqlite3_sql(s));
    sqlite3_reset(s);
  }
  // After the one row: the statement must be done, then reset for its next use.
  void Finish(sqlite3_stmt* s) {
    if (sqlite3_step(s) != SQLITE_DONE) Fail("expected one row");
    sqlite3_reset(s);
  }
  static UserRow ReadUser(sqlite3_stmt* s) {
    UserRow u;
    u.id = sqlite3_column_int64(s, 0);
    u.name.assign(reinterpret_cast<const char*>(sqlite3_column_text(s, 1)),
                  sqlite3_column_bytes(s, 1));
    if (sqlite3_column_type(s, 2) != SQLITE_NULL) u.age = sqlite3_column_int64(s, 2);
    return u;
  }
  std::vector<UserRow> ReadUsers(sqlite3_stmt* s) {
    std::vector<UserRow> out;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) out.push_back(ReadUser(s));
    if (rc != SQLITE_DONE) Fail("rows");
    sqlite3_reset(s);
    return out;
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt *insert_one_ = nullptr, *insert_bulk_ = nullptr, *get_ = nullptr, *all_ = nullptr,
               *pets_ = nullptr, *begin_ = nullptr, *commit_ = nullptr;
};

// ---- Databases ----------------------------------------------------------------------------------

// One dialect: a database per case where state matters, the client and the hand-written access
// to each.
struct Target {
  Dialect dialect;
  std::string name;  // "postgres", "sqlite"
  std::string template_url;
  std::vector<std::string> sqlite_pragmas;  // the client's connection settings, for the baseline
  struct Pair {
    std::string strata_url, baseline_url;
    std::unique_ptr<::ent::Client> client;
    std::unique_ptr<Baseline> baseline;
  };
  Pair insert, bulk, read, eager;        // read and eager: one seeded database for both sides
  std::vector<std::int64_t> random_ids;  // ids of the read database, in a random order
};

fs::path g_dir;
std::string g_cli;
Target g_targets[2];
std::vector<std::string> g_pg_databases;
std::vector<NewUser> g_bulk_input;
std::vector<std::string> g_sql_checks;  // what setup found comparing statement texts
double g_generate_cold_ms = 0, g_generate_warm_ms = 0, g_generate_cold_cpu_ms = 0;
bool g_skip_generate = false;  // --skip_generate: no strata generate timing (for profiling runs)
std::string g_running;         // the benchmark running now
std::map<std::string, std::string> g_errors;  // benchmark → the error that stopped it

std::string SqlitePath(const std::string& url) {
  return url.substr(std::string("sqlite://").size());
}

std::string FreshDatabase(Target& t, const std::string& label) {
  if (t.dialect == Dialect::kPostgres) {
    const std::string name = "strata_bench_client_" + label;
    auto admin = Connect(AdminUrl());
    admin->Exec(fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", QuoteIdent(name)));
    admin->Exec(fmt::format("CREATE DATABASE {} TEMPLATE {}", QuoteIdent(name),
                            QuoteIdent("strata_bench_client_template")));
    g_pg_databases.push_back(name);
    Url url = Url::Parse(AdminUrl());
    url.database = name;
    return url.ToString();
  }
  const fs::path path = g_dir / (label + ".db");
  fs::copy_file(SqlitePath(t.template_url), path, fs::copy_options::overwrite_existing);
  return "sqlite://" + path.string();
}

// The tables of bench/schema, made by `strata schema apply` from the schema folder.
void MakeTemplate(Target& t) {
  std::string dev_url = "sqlite://:memory:";
  if (t.dialect == Dialect::kPostgres) {
    t.template_url = CreateDatabase("strata_bench_client_template");
    dev_url = CreateDatabase("strata_bench_client_dev");
    g_pg_databases.push_back("strata_bench_client_template");
    g_pg_databases.push_back("strata_bench_client_dev");
  } else {
    t.template_url = "sqlite://" + (g_dir / "template.db").string();
  }
  RunOrDie(fmt::format(
      "'{}' schema apply --auto-approve --url '{}' --to 'ent://{}' --dev-url '{}' > /dev/null",
      g_cli, t.template_url, STRATA_BENCH_CLIENT_SCHEMA, dev_url));
  if (t.dialect == Dialect::kSqlite) {
    // WAL is a property of the file: set once here, every copy has it.
    sqlite3* db = nullptr;
    sqlite3_open(SqlitePath(t.template_url).c_str(), &db);
    sqlite3_exec(db, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
}

// The settings of the client's SQLite connections, as PRAGMA statements for the baseline's.
std::vector<std::string> ClientPragmas(const ::ent::Client& client) {
  std::vector<std::string> out;
  DB::Lease lease = client.db().Acquire();
  for (const char* name : {"journal_mode", "synchronous", "foreign_keys", "busy_timeout",
                           "cache_size", "temp_store", "mmap_size", "locking_mode"}) {
    const Rows rows = lease->Query(fmt::format("PRAGMA {}", name));
    if (rows.rows.empty() || rows.rows[0].empty() || !rows.rows[0][0]) continue;
    out.push_back(fmt::format("PRAGMA {} = {}", name, *rows.rows[0][0]));
  }
  return out;
}

void OpenPair(Target& t, Target::Pair& p, const std::string& label, bool shared) {
  p.strata_url = FreshDatabase(t, label + "_" + t.name + (shared ? "" : "_strata"));
  p.baseline_url = shared ? p.strata_url : FreshDatabase(t, label + "_" + t.name + "_baseline");
  p.client = std::make_unique<::ent::Client>(Open(p.strata_url));
  if (t.dialect == Dialect::kPostgres) {
    p.baseline = std::make_unique<PgBaseline>(p.baseline_url, &p == &t.bulk);
  } else {
    if (t.sqlite_pragmas.empty()) t.sqlite_pragmas = ClientPragmas(*p.client);
    p.baseline = std::make_unique<SqliteBaseline>(SqlitePath(p.baseline_url), t.sqlite_pragmas,
                                                  &p == &t.bulk);
  }
}

// Empties the users table between bulk inserts (not timed).
void EmptyUsers(Target& t, const std::string& url) {
  auto conn = Connect(url);
  conn->Exec(t.dialect == Dialect::kPostgres
                 ? R"(TRUNCATE "pets", "users" RESTART IDENTITY)"
                 : R"(PRAGMA foreign_keys = OFF; DELETE FROM "pets"; DELETE FROM "users")");
}

std::vector<::ent::UserCreate> Builders(const ::ent::Client& c, const std::vector<NewUser>& rows) {
  std::vector<::ent::UserCreate> b;
  b.reserve(rows.size());
  for (const NewUser& u : rows) {
    ::ent::UserCreate create = c.User.Create();
    create.SetName(u.name).SetAge(u.age);
    b.push_back(std::move(create));
  }
  return b;
}

// Seeding goes through the client in batches of 1,000 rows (the 10,000-row bulk create is a case
// of its own, and must not decide whether the other cases can run).
std::vector<std::int64_t> CreateUsers(const ::ent::Client& c, const std::vector<NewUser>& rows,
                                      bool with_age) {
  std::vector<std::int64_t> ids;
  for (size_t begin = 0; begin < rows.size(); begin += 1000) {
    std::vector<::ent::UserCreate> batch;
    for (size_t i = begin; i < std::min(rows.size(), begin + 1000); ++i) {
      ::ent::UserCreate create = c.User.Create();
      create.SetName(rows[i].name);
      if (with_age) create.SetAge(rows[i].age);
      batch.push_back(std::move(create));
    }
    for (const ::ent::User& u : c.User.CreateBulk(std::move(batch)).Save()) ids.push_back(u.id);
  }
  return ids;
}

void Seed(Target& t) {
  // 10,000 users, every 10th without an age.
  std::vector<NewUser> with_age, without;
  for (int i = 0; i < kQueryRows; ++i) {
    (i % 10 != 9 ? with_age : without).push_back({fmt::format("user{}", i), i % 80 + 1});
  }
  const ::ent::Client& c = *t.read.client;
  std::vector<std::int64_t> ids = CreateUsers(c, with_age, true);
  for (std::int64_t id : CreateUsers(c, without, false)) ids.push_back(id);
  std::mt19937_64 rng(42);
  t.random_ids.resize(1 << 16);
  for (std::int64_t& id : t.random_ids) id = ids[rng() % ids.size()];

  // 1,000 users with 5 pets each.
  const ::ent::Client& e = *t.eager.client;
  std::vector<NewUser> owners;
  for (int i = 0; i < kEagerUsers; ++i) owners.push_back({fmt::format("owner{}", i), i % 60 + 18});
  const std::vector<std::int64_t> owner_ids = CreateUsers(e, owners, true);
  for (int k = 0; k < kPetsPerUser; ++k) {
    std::vector<::ent::PetCreate> pets;
    for (std::int64_t id : owner_ids) {
      pets.push_back(e.Pet.Create().SetName(fmt::format("pet{}_{}", id, k)).SetOwnerID(id));
    }
    e.Pet.CreateBulk(std::move(pets)).Save();
  }
}

// The statement text of a debug log line.
std::string Statement(const std::string& line) { return line.substr(0, line.find(" args=[")); }

// Runs `op` on a logging copy of `client` and compares the statements it sent with `expected`.
template <typename Op>
void CheckSql(const Target& t, const char* what, const ::ent::Client& client,
              const std::vector<std::string>& expected, Op op) {
  std::vector<std::string> sent;
  ::ent::Client logged = client.Debug([&](std::string_view line) {
    const std::string s = Statement(std::string(line));
    if (s != "BEGIN" && s != "COMMIT") sent.push_back(s);
  });
  try {
    op(logged);
  } catch (const std::exception& e) {
    g_sql_checks.push_back(fmt::format("  {:<10} {:<14} the client FAILED: {}", t.name, what,
                                       std::string(e.what()).substr(0, 160)));
    return;
  }
  bool same = sent.size() == expected.size();
  for (size_t i = 0; same && i < sent.size(); ++i) same = sent[i] == expected[i];
  if (same) {
    g_sql_checks.push_back(
        fmt::format("  {:<10} {:<14} same statements as the baseline", t.name, what));
    return;
  }
  std::string text = fmt::format("  {:<10} {:<14} DIFFERENT statements:", t.name, what);
  for (const std::string& s : sent) text += "\n      client:   " + s.substr(0, 300);
  for (const std::string& s : expected) text += "\n      baseline: " + s.substr(0, 300);
  g_sql_checks.push_back(text);
}

// The baseline and the client read the same rows (setup fails loudly otherwise).
void CheckSameRows(Target& t) {
  const auto fail = [&](const std::string& what) {
    fmt::print(stderr, "client_bench: {}: client and baseline disagree: {}\n", t.name, what);
    std::exit(1);
  };
  const std::vector<::ent::User> users = t.read.client->User.Query().All();
  const std::vector<UserRow> rows = t.read.baseline->All();
  if (users.size() != rows.size() || users.size() != static_cast<size_t>(kQueryRows)) {
    fail("row counts");
  }
  for (size_t i = 0; i < users.size(); ++i) {
    if (users[i].id != rows[i].id || users[i].name != rows[i].name || users[i].age != rows[i].age) {
      fail(fmt::format("row {}", i));
    }
  }
  const std::int64_t id = t.random_ids[0];
  const ::ent::User u = t.read.client->User.Get(id);
  const UserRow r = t.read.baseline->Get(id);
  if (u.id != r.id || u.name != r.name || u.age != r.age) fail("get");
  const std::vector<::ent::User> owners = t.eager.client->User.Query().WithPets().All();
  const std::vector<UserWithPets> base = t.eager.baseline->AllWithPets();
  if (owners.size() != base.size() || owners.size() != static_cast<size_t>(kEagerUsers)) {
    fail("eager: user counts");
  }
  for (size_t i = 0; i < owners.size(); ++i) {
    if (!owners[i].edges.pets || owners[i].edges.pets->size() != base[i].pets.size() ||
        base[i].pets.size() != static_cast<size_t>(kPetsPerUser)) {
      fail(fmt::format("eager: pets of user {}", owners[i].id));
    }
    for (size_t k = 0; k < base[i].pets.size(); ++k) {
      const ::ent::Pet& p = (*owners[i].edges.pets)[k];
      if (p.id != base[i].pets[k].id || p.name != base[i].pets[k].name) fail("eager: pet rows");
    }
  }
  const UserRow inserted = t.insert.baseline->InsertOne("check", 7);
  if (inserted.id <= 0 || inserted.name != "check" || inserted.age != 7) fail("insert");
}

void CheckStatements(Target& t) {
  const Dialect d = t.dialect;
  CheckSql(t, "insert one", *t.insert.client, {ForDialect(kInsertOne, d)},
           [](const ::ent::Client& c) { c.User.Create().SetName("check").SetAge(7).Save(); });
  CheckSql(t, "bulk 10,000", *t.bulk.client, {BulkInsertSql(kBulkRows, d)},
           [](const ::ent::Client& c) { c.User.CreateBulk(Builders(c, g_bulk_input)).Save(); });
  EmptyUsers(t, t.bulk.strata_url);
  const std::int64_t id = t.random_ids[0];
  CheckSql(t, "get by id", *t.read.client, {ForDialect(kGet, d)},
           [id](const ::ent::Client& c) { c.User.Get(id); });
  CheckSql(t, "query all", *t.read.client, {kAll},
           [](const ::ent::Client& c) { c.User.Query().All(); });
  CheckSql(t, "eager load", *t.eager.client,
           {kAll, d == Dialect::kPostgres ? kPetsPg : kPetsSqlite},
           [](const ::ent::Client& c) { c.User.Query().WithPets().All(); });
}

// ---- strata generate of 300 entities -----------------------------------------------------------

// CPU time (user + system) of the children waited for so far, in milliseconds.
double ChildrenCpuMs() {
  rusage u{};
  getrusage(RUSAGE_CHILDREN, &u);
  const auto ms = [](const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
  return ms(u.ru_utime) + ms(u.ru_stime);
}

double Ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// Entity<i>: three fields; 30 rings of 10 entities, each with an O2M edge to the next of its ring
// and the inverse from the previous one (bench/client_compile compiles the same client).
void TimeGenerate() {
  const fs::path root = g_dir / "generate";
  const fs::path schema = root / "ent" / "schema";
  fs::create_directories(schema);
  for (int i = 0; i < kGenerateEntities; ++i) {
    std::ofstream(schema / fmt::format("entity{}.cpp", i)) << fmt::format(
        R"(#include <strata/ent/schema.hpp>
using namespace strata::ent;
class Entity{0} : public Schema {{
 public:
  Fields GetFields() const override {{
    return {{field::String("name"), field::Int("count").Optional(), field::Bool("active").Default(true)}};
  }}
  Edges GetEdges() const override {{
    return {{edge::To("items", "Entity{1}"), edge::From("parent", "Entity{2}").Ref("items").Unique()}};
  }}
}};
STRATA_SCHEMA(Entity{0});
)",
        i, i / 10 * 10 + (i + 1) % 10, i / 10 * 10 + (i + 9) % 10);
  }
  const fs::path cache = root / "cache";
  fs::create_directories(cache);
  const std::string command =
      fmt::format("STRATA_CACHE_DIR='{}' '{}' generate '{}' --target '{}' > /dev/null",
                  cache.string(), g_cli, schema.string(), (root / "ent").string());
  const double cpu_before = ChildrenCpuMs();
  auto start = std::chrono::steady_clock::now();
  RunOrDie(command);
  g_generate_cold_ms = Ms(start);
  g_generate_cold_cpu_ms = ChildrenCpuMs() - cpu_before;
  std::vector<double> warm;
  for (int i = 0; i < 3; ++i) {
    start = std::chrono::steady_clock::now();
    RunOrDie(command);
    warm.push_back(Ms(start));
  }
  std::sort(warm.begin(), warm.end());
  g_generate_warm_ms = warm[1];
}

// ---- Benchmarks ---------------------------------------------------------------------------------

// This thread's CPU time in seconds.
double ThreadCpu() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Times `op` alone in each iteration (wall time, and this thread's CPU time as counter cpu_us:
// the client side's own work, which waiting for a core on a busy machine does not inflate);
// `before` runs first, untimed.
template <typename Before, typename Op>
void TimeEach(benchmark::State& state, Before before, Op op) {
  double cpu = 0;
  try {
    for (auto _ : state) {
      before();
      const double cpu_start = ThreadCpu();
      const auto start = std::chrono::steady_clock::now();
      auto result = op();
      const auto end = std::chrono::steady_clock::now();
      cpu += ThreadCpu() - cpu_start;
      benchmark::DoNotOptimize(result);
      state.SetIterationTime(std::chrono::duration<double>(end - start).count());
    }
    state.counters["cpu_us"] = benchmark::Counter(cpu * 1e6, benchmark::Counter::kAvgIterations);
  } catch (const std::exception& e) {
    g_errors[g_running] = e.what();
    state.SkipWithError(e.what());
  }
}

template <typename Op>
void TimeEach(benchmark::State& state, Op op) {
  TimeEach(
      state, [] {}, op);
}

struct Case {
  const char* name;
  const char* label;
  void (*strata)(benchmark::State&, Target&);
  void (*baseline)(benchmark::State&, Target&);
};

void InsertStrata(benchmark::State& state, Target& t) {
  const ::ent::Client& c = *t.insert.client;
  std::int64_t i = 0;
  const std::string name = "bench user";
  TimeEach(state, [&] { return c.User.Create().SetName(name).SetAge(++i % 100).Save(); });
}
void InsertBaseline(benchmark::State& state, Target& t) {
  Baseline& b = *t.insert.baseline;
  std::int64_t i = 0;
  const std::string name = "bench user";
  TimeEach(state, [&] { return b.InsertOne(name, ++i % 100); });
}

// The builders are made inside the timed part: they are how the client is told the rows, as the
// baseline binds them from the input.
void BulkStrata(benchmark::State& state, Target& t) {
  const ::ent::Client& c = *t.bulk.client;
  TimeEach(
      state, [&] { EmptyUsers(t, t.bulk.strata_url); },
      [&] { return c.User.CreateBulk(Builders(c, g_bulk_input)).Save(); });
}
void BulkBaseline(benchmark::State& state, Target& t) {
  Baseline& b = *t.bulk.baseline;
  TimeEach(
      state, [&] { EmptyUsers(t, t.bulk.baseline_url); },
      [&] { return b.InsertBulk(g_bulk_input); });
}

void GetStrata(benchmark::State& state, Target& t) {
  const ::ent::Client& c = *t.read.client;
  size_t i = 0;
  TimeEach(state, [&] { return c.User.Get(t.random_ids[i++ & 0xffff]); });
}
void GetBaseline(benchmark::State& state, Target& t) {
  Baseline& b = *t.read.baseline;
  size_t i = 0;
  TimeEach(state, [&] { return b.Get(t.random_ids[i++ & 0xffff]); });
}

void QueryStrata(benchmark::State& state, Target& t) {
  const ::ent::Client& c = *t.read.client;
  TimeEach(state, [&] { return c.User.Query().All(); });
}
void QueryBaseline(benchmark::State& state, Target& t) {
  Baseline& b = *t.read.baseline;
  TimeEach(state, [&] { return b.All(); });
}

void EagerStrata(benchmark::State& state, Target& t) {
  const ::ent::Client& c = *t.eager.client;
  TimeEach(state, [&] { return c.User.Query().WithPets().All(); });
}
void EagerBaseline(benchmark::State& state, Target& t) {
  Baseline& b = *t.eager.baseline;
  TimeEach(state, [&] { return b.AllWithPets(); });
}

const Case kCases[] = {
    {"InsertOne", "insert one row", InsertStrata, InsertBaseline},
    {"CreateBulk10k", "bulk 10,000 rows", BulkStrata, BulkBaseline},
    {"GetByID", "get by id", GetStrata, GetBaseline},
    {"QueryAll10k", "query 10,000 rows", QueryStrata, QueryBaseline},
    {"EagerLoad1kx5", "eager 1,000 x 5", EagerStrata, EagerBaseline},
};

std::string BenchName(const Case& c, const char* side, const Target& t) {
  return fmt::format("{}/{}/{}", c.name, side, t.name);
}

void Setup() {
  g_dir = fs::temp_directory_path() / fmt::format("strata_bench_client_{}", getpid());
  fs::remove_all(g_dir);
  fs::create_directories(g_dir);
  g_cli = STRATA_BENCH_CLI;
  if (!fs::exists(g_cli)) {
    fmt::print(stderr, "{} not found: build the strata_cli target first\n", g_cli);
    std::exit(1);
  }
  for (int i = 0; i < kBulkRows; ++i) g_bulk_input.push_back({fmt::format("bulk{}", i), i % 90});

  if (!g_skip_generate) TimeGenerate();

  g_targets[0].dialect = Dialect::kPostgres;
  g_targets[0].name = "postgres";
  g_targets[1].dialect = Dialect::kSqlite;
  g_targets[1].name = "sqlite";
  try {
    for (Target& t : g_targets) {
      MakeTemplate(t);
      OpenPair(t, t.insert, "insert", false);
      OpenPair(t, t.bulk, "bulk", false);
      OpenPair(t, t.read, "read", true);
      OpenPair(t, t.eager, "eager", true);
      Seed(t);
      CheckSameRows(t);
      CheckStatements(t);
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "client_bench setup failed: {}\n", e.what());
    std::exit(1);
  }

  for (const Case& c : kCases) {
    for (Target& t : g_targets) {
      for (const bool strata : {true, false}) {
        auto* fn = strata ? c.strata : c.baseline;
        const std::string name = BenchName(c, strata ? "strata" : "baseline", t);
        benchmark::RegisterBenchmark(name.c_str(),
                                     [fn, &t, name](benchmark::State& state) {
                                       g_running = name;
                                       fn(state, t);
                                     })
            ->Unit(benchmark::kMicrosecond)
            ->UseManualTime()
            ->MinTime(0.3)
            ->Repetitions(kRepetitions)
            ->ReportAggregatesOnly(true);
      }
    }
  }
}

std::string ShowTime(double ms) {
  if (ms <= 0) return "-";
  return ms < 1 ? fmt::format("{:.1f} us", ms * 1000) : fmt::format("{:.2f} ms", ms);
}

void Summarize(const MedianReporter& reporter) {
  fmt::print(
      "\nSummary (medians of {} repetitions, interleaved at random; wall time decides the mark, "
      "cpu is this process's thread CPU time: for SQLite nearly the whole cost, for PostgreSQL "
      "the client side only):\n\n",
      kRepetitions);
  fmt::print("  {:<18} {:<9} {:>11} {:>11} {:>6}  {:<7}  {:>10} {:>10} {:>6}  {}\n", "case",
             "dialect", "strata", "baseline", "ratio", "target", "cpu strata", "cpu base", "ratio",
             "");
  int missed = 0, measured = 0;
  for (const Case& c : kCases) {
    for (const Target& t : g_targets) {
      const std::string sn = BenchName(c, "strata", t), bn = BenchName(c, "baseline", t);
      const double s = reporter.MedianMs(sn);
      const double b = reporter.MedianMs(bn);
      const double scpu = reporter.MedianCounter(sn, "cpu_us") / 1e3;
      const double bcpu = reporter.MedianCounter(bn, "cpu_us") / 1e3;
      const bool ran = s > 0 && b > 0;
      const double ratio = ran ? s / b : 0;
      const bool met = ran && ratio <= kTarget;
      if (ran) ++measured;
      if (ran && !met) ++missed;
      std::string mark = met ? "met" : "MISSED";
      if (!ran) {
        mark = "not run";
        for (const char* side : {"strata", "baseline"}) {
          auto it = g_errors.find(BenchName(c, side, t));
          if (it != g_errors.end()) {
            mark = fmt::format("FAILED ({}: {})", side,
                               it->second.substr(0, std::min<size_t>(90, it->second.find('\n'))));
          }
        }
      }
      fmt::print("  {:<18} {:<9} {:>11} {:>11} {:>6}  <= {:.2f}  {:>10} {:>10} {:>6}  {}\n",
                 c.label, t.name, ShowTime(s), ShowTime(b),
                 ran ? fmt::format("{:.2f}", ratio) : "-", kTarget, ShowTime(scpu), ShowTime(bcpu),
                 ran && bcpu > 0 ? fmt::format("{:.2f}", scpu / bcpu) : "-", mark);
    }
  }
  fmt::print("\n  {} of {} measured ratios above the target (of 10 cases)\n", missed, measured);
  fmt::print("\nStatements (the client's debug log against the baseline's texts):\n");
  for (const std::string& line : g_sql_checks) fmt::print("{}\n", line);
  fmt::print(
      "\nSQLite connection settings (read from the client's connection, set on the baseline's):\n "
      " {}\n",
      fmt::join(g_targets[1].sqlite_pragmas, "; "));
  if (g_skip_generate) {
    fmt::print("\nstrata generate: not timed (--skip_generate)\n");
  } else {
    fmt::print(
        "\nstrata generate, {} entities: cold {:.0f} ms (empty STRATA_CACHE_DIR; {:.0f} ms of CPU "
        "in "
        "its processes, the compiler's included; target <= 5000 ms, {}), warm {:.0f} ms (median "
        "of 3)\n",
        kGenerateEntities, g_generate_cold_ms, g_generate_cold_cpu_ms,
        g_generate_cold_ms <= 5000 ? "met" : "MISSED", g_generate_warm_ms);
  }
  fmt::print("(compile time of the generated client per entity: bench/client_compile)\n");

  for (Target& t : g_targets) {
    for (Target::Pair* p : {&t.insert, &t.bulk, &t.read, &t.eager}) {
      p->baseline.reset();
      p->client.reset();
    }
  }
  auto admin = Connect(AdminUrl());
  for (const std::string& name : g_pg_databases) {
    admin->Exec(fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", QuoteIdent(name)));
  }
  fs::remove_all(g_dir);
}

}  // namespace
}  // namespace strata::bench

int main(int argc, char** argv) {
  // Repetitions of the strata and baseline benchmarks alternate, so that a busy spell on the
  // machine does not fall on one side only. A flag given on the command line wins.
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--skip_generate") == 0) {
      strata::bench::g_skip_generate = true;
    } else {
      args.push_back(argv[i]);
    }
  }
  std::string interleave = "--benchmark_enable_random_interleaving=true";
  bool given = false;
  for (size_t i = 1; i < args.size(); ++i) {
    given = given || std::strncmp(args[i], "--benchmark_enable_random_interleaving", 38) == 0;
  }
  if (!given) args.insert(args.begin() + 1, interleave.data());
  int n = static_cast<int>(args.size());
  args.push_back(nullptr);
  return strata::bench::RunBenchmarks(n, args.data(), strata::bench::Setup,
                                      strata::bench::Summarize);
}
