// Typed statements (Conn::Execute and Result) on both dialects: every Value kind round-tripped,
// prepared statements reused, RETURNING and affected(), ConstraintError kinds and names, getters
// refusing NULL and cells of another type, InTransaction and Healthy.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <vector>

#include "driver/postgres/conn.hpp"
#include "driver/sqlite/conn.hpp"
#include "strata/driver.hpp"
#include "strata/error.hpp"
#include "support/databases.hpp"

namespace strata {
namespace {

using ::testing::HasSubstr;
using testing::TempDatabase;

// A Time from its UTC fields and microseconds.
Time At(int y, unsigned mo, unsigned d, int h, int mi, int s, std::int64_t us) {
  using namespace std::chrono;
  const sys_days day = year_month_day(year(y), month(mo), std::chrono::day(d));
  return Time(duration_cast<Time::duration>(day.time_since_epoch() + hours(h) + minutes(mi) +
                                            seconds(s) + microseconds(us)));
}

std::uint64_t Prepares(Conn& conn) {
  return conn.dialect() == Dialect::kPostgres ? driver::postgres::AsPg(conn).prepares()
                                              : driver::sqlite::AsSqlite(conn).prepares();
}

class DriverTypedTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<TempDatabase>(GetParam());
    conn_ = db_->Connect();
    conn_->Exec(pg() ? "CREATE TABLE vals (id bigint PRIMARY KEY, i bigint, d double precision, "
                       "b boolean, s text, y bytea, t timestamptz, u uuid)"
                     : "CREATE TABLE vals (id INTEGER PRIMARY KEY, i INTEGER, d REAL, b INTEGER, "
                       "s TEXT, y BLOB, t TEXT, u TEXT)");
  }
  bool pg() const { return GetParam() == Dialect::kPostgres; }
  // Placeholder n: $n on PostgreSQL, ?n on SQLite.
  std::string P(int n) const { return fmt::format("{}{}", pg() ? '$' : '?', n); }

  // Inserts `value` into `column` of a new row and returns that row's id.
  std::int64_t Insert(const std::string& column, const Value& value) {
    const std::int64_t id = ++next_id_;
    const Value params[] = {id, value};
    conn_->Execute(fmt::format("INSERT INTO vals (id, {}) VALUES ({}, {})", column, P(1), P(2)),
                   params);
    return id;
  }
  // The Result of reading `column` of row `id`, on that row.
  Result Read(const std::string& column, std::int64_t id) {
    const Value params[] = {id};
    Result r =
        conn_->Execute(fmt::format("SELECT {} FROM vals WHERE id = {}", column, P(1)), params);
    EXPECT_TRUE(r.Next());
    return r;
  }

  std::unique_ptr<TempDatabase> db_;
  std::unique_ptr<Conn> conn_;
  std::int64_t next_id_ = 0;
};

TEST_P(DriverTypedTest, IntegersRoundTrip) {
  for (std::int64_t v : {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, std::int64_t{42},
                         std::int64_t{-1234567890123}, std::numeric_limits<std::int64_t>::min(),
                         std::numeric_limits<std::int64_t>::max()}) {
    Result r = Read("i", Insert("i", v));
    EXPECT_FALSE(r.IsNull(0));
    EXPECT_EQ(r.Int(0), v);
    EXPECT_EQ(r.Text(0), std::to_string(v));
    EXPECT_FALSE(r.Next());
  }
}

TEST_P(DriverTypedTest, DoublesRoundTrip) {
  for (double v : {0.0, 1.5, -2.25, 3.141592653589793, 1e300, -1e-300, 6.02214076e23,
                   std::numeric_limits<double>::max(), std::numeric_limits<double>::denorm_min()}) {
    Result r = Read("d", Insert("d", v));
    EXPECT_EQ(r.Double(0), v) << v;
    EXPECT_EQ(std::signbit(r.Double(0)), std::signbit(v)) << v;
  }
  // Integers read as doubles too.
  Result r = Read("i", Insert("i", std::int64_t{-7}));
  EXPECT_EQ(r.Double(0), -7.0);
}

TEST_P(DriverTypedTest, BooleansRoundTrip) {
  for (bool v : {true, false}) {
    Result r = Read("b", Insert("b", v));
    EXPECT_EQ(r.Bool(0), v);
  }
  // Integers read as booleans (SQLite stores booleans as integers).
  EXPECT_TRUE(Read("i", Insert("i", std::int64_t{1})).Bool(0));
  EXPECT_FALSE(Read("i", Insert("i", std::int64_t{0})).Bool(0));
}

TEST_P(DriverTypedTest, StringsRoundTrip) {
  for (const std::string& v :
       {std::string(), std::string("hello"), std::string("it's \"quoted\""),
        std::string("héllo wörld ✓ 日本語 🎉 \u00a0\t\n"), std::string(10000, 'x')}) {
    Result r = Read("s", Insert("s", v));
    EXPECT_FALSE(r.IsNull(0));
    EXPECT_EQ(r.Text(0), v);
    const Bytes bytes = r.Blob(0);
    EXPECT_EQ(std::string(bytes.begin(), bytes.end()), v);
  }
}

TEST_P(DriverTypedTest, BytesRoundTrip) {
  Bytes all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<std::uint8_t>(i));
  for (const Bytes& v :
       {Bytes{}, Bytes{0x00}, Bytes{0x00, 0x00}, Bytes{0xff, 0x00, 0x10, 0x00}, all}) {
    Result r = Read("y", Insert("y", v));
    ASSERT_FALSE(r.IsNull(0)) << v.size() << " bytes";
    EXPECT_EQ(r.Blob(0), v);
    EXPECT_EQ(r.Text(0).size(), v.size());
  }
}

TEST_P(DriverTypedTest, TimesRoundTripWithMicroseconds) {
  for (const Time v : {At(1970, 1, 1, 0, 0, 0, 0), At(1969, 12, 31, 23, 59, 59, 999999),
                       At(1999, 12, 31, 23, 59, 59, 123456), At(2000, 1, 1, 0, 0, 0, 1),
                       At(2000, 1, 1, 0, 0, 0, 0), At(1999, 12, 31, 23, 59, 59, 999999),
                       At(1900, 5, 6, 7, 8, 9, 10), At(1700, 2, 28, 12, 0, 0, 500000),
                       At(2024, 2, 29, 13, 14, 15, 161718), At(2038, 1, 19, 3, 14, 8, 654321),
                       At(2200, 12, 31, 23, 59, 59, 999999)}) {
    Result r = Read("t", Insert("t", v));
    EXPECT_EQ(r.TimeAt(0), v) << r.Text(0);
  }
  // Sub-microsecond digits are dropped (rounded towards the past), as PostgreSQL stores them.
  const Time fine = At(2001, 2, 3, 4, 5, 6, 7) + std::chrono::nanoseconds(999);
  EXPECT_EQ(Read("t", Insert("t", fine)).TimeAt(0), At(2001, 2, 3, 4, 5, 6, 7));
  const Time before = At(1960, 1, 1, 0, 0, 0, 0) - std::chrono::nanoseconds(1);
  EXPECT_EQ(Read("t", Insert("t", before)).TimeAt(0), At(1959, 12, 31, 23, 59, 59, 999999));
}

TEST_P(DriverTypedTest, TimesSortAsTimeDoes) {
  const std::vector<Time> times = {At(2000, 1, 1, 0, 0, 0, 1), At(1969, 12, 31, 23, 59, 59, 0),
                                   At(2000, 1, 1, 0, 0, 0, 0), At(2100, 6, 1, 0, 0, 0, 0),
                                   At(1999, 12, 31, 23, 59, 59, 999999)};
  for (const Time& t : times) Insert("t", t);
  Result r = conn_->Execute("SELECT t FROM vals ORDER BY t");
  std::vector<Time> read;
  while (r.Next()) read.push_back(r.TimeAt(0));
  std::vector<Time> sorted = times;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(read, sorted);
}

TEST_P(DriverTypedTest, UuidsRoundTrip) {
  for (const char* text :
       {"00000000-0000-0000-0000-000000000000", "123e4567-e89b-12d3-a456-426614174000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff"}) {
    const UUID v = UUID::Parse(text);
    Result r = Read("u", Insert("u", v));
    EXPECT_EQ(r.Uuid(0), v);
    EXPECT_EQ(r.Text(0), text);
  }
}

TEST_P(DriverTypedTest, NullsRoundTripInEveryColumn) {
  for (const char* column : {"i", "d", "b", "s", "y", "t", "u"}) {
    Result r = Read(column, Insert(column, nullptr));
    EXPECT_TRUE(r.IsNull(0)) << column;
  }
  // One row with every kind at once, then NULLs with the same statement.
  const std::string insert = fmt::format(
      "INSERT INTO vals (id, i, d, b, s, y, t, u) VALUES ({}, {}, {}, {}, {}, {}, {}, {})", P(1),
      P(2), P(3), P(4), P(5), P(6), P(7), P(8));
  const Time t = At(2006, 1, 2, 15, 4, 5, 123456);
  const UUID u = UUID::Parse("123e4567-e89b-12d3-a456-426614174000");
  const std::vector<Value> full = {std::int64_t{100}, std::int64_t{-5}, 2.5, true,
                                   std::string("s"),  Bytes{0, 1, 2},   t,   u};
  const std::vector<Value> nulls = {std::int64_t{101}, nullptr, nullptr, nullptr,
                                    nullptr,           nullptr, nullptr, nullptr};
  conn_->Execute(insert, full);
  conn_->Execute(insert, nulls);
  conn_->Execute(insert, std::vector<Value>{std::int64_t{102}, std::int64_t{7}, nullptr, false,
                                            nullptr, Bytes{}, nullptr, u});
  Result r = conn_->Execute("SELECT id, i, d, b, s, y, t, u FROM vals WHERE id >= 100 ORDER BY id");
  ASSERT_EQ(r.columns(), 8);
  EXPECT_EQ(r.column_name(0), "id");
  EXPECT_EQ(r.column_name(7), "u");
  ASSERT_TRUE(r.Next());
  EXPECT_EQ(r.Int(0), 100);
  EXPECT_EQ(r.Int(1), -5);
  EXPECT_EQ(r.Double(2), 2.5);
  EXPECT_TRUE(r.Bool(3));
  EXPECT_EQ(r.Text(4), "s");
  EXPECT_EQ(r.Blob(5), (Bytes{0, 1, 2}));
  EXPECT_EQ(r.TimeAt(6), t);
  EXPECT_EQ(r.Uuid(7), u);
  ASSERT_TRUE(r.Next());
  EXPECT_EQ(r.Int(0), 101);
  for (int c = 1; c < 8; ++c) EXPECT_TRUE(r.IsNull(c)) << c;
  ASSERT_TRUE(r.Next());
  EXPECT_EQ(r.Int(1), 7);
  EXPECT_TRUE(r.IsNull(2));
  EXPECT_FALSE(r.Bool(3));
  EXPECT_EQ(r.Blob(5), Bytes{});
  EXPECT_FALSE(r.IsNull(5));
  EXPECT_EQ(r.Uuid(7), u);
  EXPECT_FALSE(r.Next());
  EXPECT_FALSE(r.Next());
}

TEST_P(DriverTypedTest, StatementIsPreparedOncePerConnection) {
  const std::uint64_t before = Prepares(*conn_);
  const std::string select = fmt::format("SELECT id, s FROM vals WHERE id = {}", P(1));
  for (std::int64_t id = 1; id <= 3; ++id) {
    Insert("s", std::string("row ") + std::to_string(id));
    Result r = conn_->Execute(select, std::vector<Value>{id});
    ASSERT_TRUE(r.Next());
    EXPECT_EQ(r.Text(1), "row " + std::to_string(id));
  }
  // One INSERT, one SELECT, each prepared once for three executions.
  EXPECT_EQ(Prepares(*conn_), before + 2);
  // The same text with a NULL where an integer was before still runs (PostgreSQL infers the
  // NULL's type; at most one more statement for the other parameter types).
  Insert("i", nullptr);
  Insert("i", std::int64_t{5});
  EXPECT_LE(Prepares(*conn_), before + 4);
  // Another connection prepares its own.
  auto other = db_->Connect();
  const std::uint64_t other_before = Prepares(*other);
  other->Execute(select, std::vector<Value>{std::int64_t{1}});
  EXPECT_EQ(Prepares(*other), other_before + 1);
}

TEST_P(DriverTypedTest, SameStatementNestedWhileAResultIsOpen) {
  for (int i = 1; i <= 3; ++i) Insert("i", std::int64_t{i * 10});
  const std::string select = fmt::format("SELECT id, i FROM vals WHERE id >= {} ORDER BY id", P(1));
  Result outer = conn_->Execute(select, std::vector<Value>{std::int64_t{1}});
  int rows = 0;
  while (outer.Next()) {
    ++rows;
    Result inner = conn_->Execute(select, std::vector<Value>{outer.Int(0)});
    ASSERT_TRUE(inner.Next());
    EXPECT_EQ(inner.Int(1), outer.Int(1));
  }
  EXPECT_EQ(rows, 3);
  // Afterwards the cached statement is free again.
  Result again = conn_->Execute(select, std::vector<Value>{std::int64_t{3}});
  ASSERT_TRUE(again.Next());
  EXPECT_EQ(again.Int(1), 30);
}

TEST_P(DriverTypedTest, ReturningAndAffected) {
  Result inserted = conn_->Execute(
      fmt::format("INSERT INTO vals (id, s) VALUES ({}, {}), ({}, {}) RETURNING id, s", P(1), P(2),
                  P(3), P(4)),
      std::vector<Value>{std::int64_t{1}, std::string("a"), std::int64_t{2}, std::string("b")});
  EXPECT_EQ(inserted.affected(), 2);
  ASSERT_EQ(inserted.columns(), 2);
  std::vector<std::string> returned;
  while (inserted.Next())
    returned.push_back(fmt::format("{}={}", inserted.Int(0), inserted.Text(1)));
  EXPECT_THAT(returned, ::testing::UnorderedElementsAre("1=a", "2=b"));

  Result plain = conn_->Execute(fmt::format("INSERT INTO vals (id) VALUES ({})", P(1)),
                                std::vector<Value>{std::int64_t{3}});
  EXPECT_EQ(plain.affected(), 1);
  EXPECT_EQ(plain.columns(), 0);
  EXPECT_FALSE(plain.Next());

  Result updated = conn_->Execute(fmt::format("UPDATE vals SET i = {} WHERE id <= 2", P(1)),
                                  std::vector<Value>{std::int64_t{9}});
  EXPECT_EQ(updated.affected(), 2);
  Result none = conn_->Execute("UPDATE vals SET i = 0 WHERE id = 12345");
  EXPECT_EQ(none.affected(), 0);
  Result returning = conn_->Execute("UPDATE vals SET i = i + 1 WHERE id <= 2 RETURNING i");
  EXPECT_EQ(returning.affected(), 2);
  ASSERT_TRUE(returning.Next());
  EXPECT_EQ(returning.Int(0), 10);

  Result selected = conn_->Execute("SELECT id FROM vals");
  EXPECT_EQ(selected.affected(), 0);
  Result deleted = conn_->Execute("DELETE FROM vals WHERE id >= 2");
  EXPECT_EQ(deleted.affected(), 2);
  Result ddl = conn_->Execute("CREATE TABLE other (a integer)");
  EXPECT_EQ(ddl.affected(), 0);

  // A Result that is never read still ran its statement.
  conn_->Execute(fmt::format("INSERT INTO vals (id) VALUES ({})", P(1)),
                 std::vector<Value>{std::int64_t{50}});
  Result count = conn_->Execute("SELECT count(*) FROM vals");
  ASSERT_TRUE(count.Next());
  EXPECT_EQ(count.Int(0), 2);
}

TEST_P(DriverTypedTest, ConstraintErrorsSayWhichKindAndName) {
  conn_->Exec(
      "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, email text "
      "CONSTRAINT users_email_key UNIQUE, age integer CONSTRAINT age_positive CHECK (age > 0));"
      "CREATE TABLE pets (id integer PRIMARY KEY, owner_id integer CONSTRAINT pets_owner_fk "
      "REFERENCES users (id))");
  conn_->Execute(fmt::format("INSERT INTO users (id, name, email) VALUES (1, {}, {})", P(1), P(2)),
                 std::vector<Value>{std::string("ann"), std::string("ann@example.com")});
  auto violation = [&](const std::string& sql, std::vector<Value> params) {
    try {
      conn_->Execute(sql, params);
    } catch (const ConstraintError& e) {
      return e;
    }
    ADD_FAILURE() << "no ConstraintError from " << sql;
    return ConstraintError("", "", "", "", 0);
  };
  using Kind = ConstraintError::Kind;
  const std::string insert_user = fmt::format(
      "INSERT INTO users (id, name, email, age) VALUES ({}, {}, {}, {})", P(1), P(2), P(3), P(4));

  ConstraintError unique = violation(
      insert_user, {std::int64_t{2}, std::string("bob"), std::string("ann@example.com"), nullptr});
  EXPECT_EQ(unique.kind, Kind::kUnique);
  EXPECT_EQ(unique.constraint, pg() ? "users_email_key" : "users.email");

  ConstraintError primary =
      violation(insert_user, {std::int64_t{1}, std::string("bob"), nullptr, nullptr});
  EXPECT_EQ(primary.kind, Kind::kUnique);
  EXPECT_EQ(primary.constraint, pg() ? "users_pkey" : "users.id");

  ConstraintError check =
      violation(insert_user, {std::int64_t{3}, std::string("cy"), nullptr, std::int64_t{-1}});
  EXPECT_EQ(check.kind, Kind::kCheck);
  EXPECT_EQ(check.constraint, "age_positive");

  ConstraintError not_null = violation(insert_user, {std::int64_t{4}, nullptr, nullptr, nullptr});
  EXPECT_EQ(not_null.kind, Kind::kNotNull);
  EXPECT_EQ(not_null.constraint, "users.name");

  ConstraintError fk =
      violation(fmt::format("INSERT INTO pets (id, owner_id) VALUES ({}, {})", P(1), P(2)),
                {std::int64_t{1}, std::int64_t{99}});
  EXPECT_EQ(fk.kind, Kind::kForeignKey);
  // SQLite does not name the foreign key that failed.
  EXPECT_EQ(fk.constraint, pg() ? "pets_owner_fk" : "");
  EXPECT_THAT(fk.what(), HasSubstr("INSERT INTO pets"));

  // Exec reports them the same way.
  try {
    conn_->Exec("INSERT INTO users (id, name) VALUES (1, 'again')");
    ADD_FAILURE() << "no error";
  } catch (const ConstraintError& e) {
    EXPECT_EQ(e.kind, Kind::kUnique);
    EXPECT_EQ(e.constraint, pg() ? "users_pkey" : "users.id");
  }
  // And the connection carries on.
  Result r = conn_->Execute("SELECT count(*) FROM users");
  ASSERT_TRUE(r.Next());
  EXPECT_EQ(r.Int(0), 1);
}

TEST_P(DriverTypedTest, GettersOnNullOrOtherTypesThrowNamingTheColumn) {
  Result r = conn_->Execute("SELECT NULL AS missing, 'abc' AS word, 1.5 AS half");
  ASSERT_TRUE(r.Next());
  EXPECT_TRUE(r.IsNull(0));
  for (auto read : std::vector<std::function<void()>>{
           [&] { r.Int(0); }, [&] { r.Double(0); }, [&] { r.Bool(0); }, [&] { r.Text(0); },
           [&] { r.Blob(0); }, [&] { r.TimeAt(0); }, [&] { r.Uuid(0); }}) {
    try {
      read();
      ADD_FAILURE() << "reading NULL did not throw";
    } catch (const Error& e) {
      EXPECT_THAT(e.what(), HasSubstr("\"missing\""));
      EXPECT_THAT(e.what(), HasSubstr("NULL"));
    }
  }
  try {
    r.Int(1);
    ADD_FAILURE() << "reading text as an integer did not throw";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("\"word\""));
    EXPECT_THAT(e.what(), HasSubstr("as an integer"));
    EXPECT_THAT(e.what(), HasSubstr("\"abc\""));
  }
  EXPECT_THROW(r.TimeAt(1), Error);
  EXPECT_THROW(r.Uuid(1), Error);
  EXPECT_THROW(r.Int(2), Error);  // 1.5 is no integer
  EXPECT_DOUBLE_EQ(r.Double(2), 1.5);
  EXPECT_THROW(r.Int(3), Error);  // no such column
  EXPECT_THROW(r.Int(-1), Error);
  EXPECT_FALSE(r.Next());
  EXPECT_THROW(r.Int(1), Error);  // no current row
  Result empty;
  EXPECT_FALSE(empty.Next());
  EXPECT_THROW(empty.Int(0), Error);
}

TEST_P(DriverTypedTest, WrongParameterCountAndBadStatements) {
  EXPECT_THROW(conn_->Execute(fmt::format("SELECT {}", P(1))), Error);
  // PostgreSQL takes parameters the statement does not use; SQLite counts them.
  if (!pg()) {
    EXPECT_THROW(conn_->Execute("SELECT 1", std::vector<Value>{std::int64_t{1}}), Error);
  }
  try {
    conn_->Execute("SELEKT 1");
    ADD_FAILURE() << "no error";
  } catch (const SqlError& e) {
    EXPECT_THAT(e.statement, HasSubstr("SELEKT"));
  }
  EXPECT_THROW(conn_->Execute("SELECT 1; SELECT 2"), Error);
  // The connection is fine afterwards.
  Result r = conn_->Execute("SELECT 1");
  ASSERT_TRUE(r.Next());
  EXPECT_EQ(r.Int(0), 1);
}

TEST_P(DriverTypedTest, InTransactionAndHealthy) {
  EXPECT_FALSE(conn_->InTransaction());
  EXPECT_TRUE(conn_->Healthy());
  {
    Transaction tx(*conn_);
    EXPECT_TRUE(conn_->InTransaction());
    Insert("i", std::int64_t{1});
    tx.Commit();
  }
  EXPECT_FALSE(conn_->InTransaction());
  conn_->Exec("BEGIN");
  EXPECT_THROW(conn_->Execute("SELECT * FROM no_such_table"), SqlError);
  // A failed transaction is still open (PostgreSQL) until rolled back.
  if (pg()) {
    EXPECT_TRUE(conn_->InTransaction());
  }
  conn_->Exec("ROLLBACK");
  EXPECT_FALSE(conn_->InTransaction());
  EXPECT_TRUE(conn_->Healthy());
}

INSTANTIATE_TEST_SUITE_P(Dialects, DriverTypedTest,
                         ::testing::Values(Dialect::kPostgres, Dialect::kSqlite),
                         [](const auto& info) { return std::string(DialectName(info.param)); });

// ---- PostgreSQL: the types the driver decodes, and what it does not --------------------------

TEST(DriverTypedPostgresTest, DecodesServerTypes) {
  TempDatabase db(Dialect::kPostgres);
  auto conn = db.Connect();
  conn->Exec("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')");
  Result r = conn->Execute(
      "SELECT 7::int2, -8::int4, 9::int8, 26::oid, 1.25::float4, 12345.678::numeric, "
      "(-0.0001)::numeric, 100000000000000000000::numeric, 42.000::numeric, "
      "'2006-01-02'::date, '2006-01-02 15:04:05.123456'::timestamp, "
      "'x'::varchar(3), 'ab'::char(4), 'nm'::name, '{\"a\": [1, 2]}'::json, "
      "'{\"a\": [1, 2]}'::jsonb, 'happy'::mood, true, 'NaN'::numeric, 'Infinity'::float8");
  ASSERT_TRUE(r.Next());
  EXPECT_EQ(r.Int(0), 7);
  EXPECT_EQ(r.Int(1), -8);
  EXPECT_EQ(r.Int(2), 9);
  EXPECT_EQ(r.Int(3), 26);
  EXPECT_EQ(r.Double(4), 1.25);
  EXPECT_EQ(r.Text(5), "12345.678");
  EXPECT_DOUBLE_EQ(r.Double(5), 12345.678);
  EXPECT_THROW(r.Int(5), Error);
  EXPECT_EQ(r.Text(6), "-0.0001");
  EXPECT_EQ(r.Text(7), "100000000000000000000");
  EXPECT_THROW(r.Int(7), Error);  // beyond int64
  EXPECT_EQ(r.Int(8), 42);
  EXPECT_EQ(r.Text(8), "42.000");
  EXPECT_EQ(r.TimeAt(9), At(2006, 1, 2, 0, 0, 0, 0));
  EXPECT_EQ(r.TimeAt(10), At(2006, 1, 2, 15, 4, 5, 123456));  // read as UTC
  EXPECT_EQ(r.Text(11), "x");
  EXPECT_EQ(r.Text(12), "ab  ");
  EXPECT_EQ(r.Text(13), "nm");
  EXPECT_EQ(r.Text(14), "{\"a\": [1, 2]}");
  EXPECT_EQ(r.Text(15), "{\"a\": [1, 2]}");
  EXPECT_EQ(r.Text(16), "happy");
  EXPECT_TRUE(r.Bool(17));
  EXPECT_EQ(r.Text(18), "NaN");
  EXPECT_EQ(r.Double(19), std::numeric_limits<double>::infinity());

  // Enum and text parameters are strings the server converts.
  conn->Exec("CREATE TABLE feelings (id serial PRIMARY KEY, m mood NOT NULL, doc jsonb)");
  Result ins = conn->Execute("INSERT INTO feelings (m, doc) VALUES ($1, $2) RETURNING id, m, doc",
                             std::vector<Value>{std::string("ok"), std::string("{\"k\": 1}")});
  ASSERT_TRUE(ins.Next());
  EXPECT_EQ(ins.Int(0), 1);
  EXPECT_EQ(ins.Text(1), "ok");
  EXPECT_EQ(ins.Text(2), "{\"k\": 1}");
  EXPECT_THROW(conn->Execute("INSERT INTO feelings (m) VALUES ($1)",
                             std::vector<Value>{std::string("angry")}),
               SqlError);
  // Text cannot carry NUL bytes to PostgreSQL.
  EXPECT_THROW(conn->Execute("SELECT $1::text", std::vector<Value>{std::string("a\0b", 3)}),
               InputError);
}

TEST(DriverTypedPostgresTest, TypesWithoutBinaryDecoderComeAsText) {
  TempDatabase db(Dialect::kPostgres);
  auto conn = db.Connect();
  Result r = conn->Execute(
      "SELECT '1 day'::interval AS span, 5::int8 AS n, '2006-01-02 15:04:05.5+00'::timestamptz AS "
      "t, ARRAY[1, 2] AS a, '\\x00ff'::bytea AS b, 'b1a0c0de-0000-4000-8000-000000000001'::uuid "
      "AS u, 2.5::float8 AS f, false AS no");
  ASSERT_TRUE(r.Next());
  EXPECT_EQ(r.Text(0), "1 day");
  EXPECT_THROW(r.Int(0), Error);
  EXPECT_EQ(r.Int(1), 5);
  EXPECT_EQ(r.TimeAt(2), At(2006, 1, 2, 15, 4, 5, 500000));
  EXPECT_EQ(r.Text(3), "{1,2}");
  EXPECT_EQ(r.Blob(4), (Bytes{0x00, 0xff}));
  EXPECT_EQ(r.Uuid(5), UUID::Parse("b1a0c0de-0000-4000-8000-000000000001"));
  EXPECT_EQ(r.Double(6), 2.5);
  EXPECT_FALSE(r.Bool(7));
}

TEST(DriverTypedPostgresTest, StatementsSurviveDeallocateAndAlteredTables) {
  TempDatabase db(Dialect::kPostgres);
  auto conn = db.Connect();
  conn->Exec("CREATE TABLE t (a integer); INSERT INTO t VALUES (1)");
  auto count = [&] {
    Result r = conn->Execute("SELECT * FROM t");
    int n = 0;
    while (r.Next()) ++n;
    return std::make_pair(n, r.columns());
  };
  EXPECT_EQ(count(), std::make_pair(1, 1));
  conn->Exec("DEALLOCATE ALL");
  EXPECT_EQ(count(), std::make_pair(1, 1));
  conn->Exec("ALTER TABLE t ADD COLUMN b text");
  EXPECT_EQ(count(), std::make_pair(1, 2));
}

// ---- SQLite: how values are stored, and the forms read back ----------------------------------

TEST(DriverTypedSqliteTest, StoredFormsAndAcceptedForms) {
  auto conn = Connect("sqlite://:memory:");
  conn->Exec("CREATE TABLE v (t, u, b, r REAL)");
  conn->Execute("INSERT INTO v VALUES (?1, ?2, ?3, ?4)",
                std::vector<Value>{At(2006, 1, 2, 15, 4, 5, 0),
                                   UUID::Parse("{123E4567-E89B-12D3-A456-426614174000}"), true,
                                   std::int64_t{5}});
  Rows stored = conn->Query("SELECT t, u, b, typeof(b), r, typeof(r) FROM v");
  EXPECT_EQ(stored.rows.at(0),
            (Row{"2006-01-02T15:04:05.000000Z", "123e4567-e89b-12d3-a456-426614174000", "1",
                 "integer", "5.0", "real"}));
  Result r = conn->Execute(
      "SELECT '2006-01-02 15:04:05', '2006-01-02 15:04:05.25', 1136214245, '2006-01-02', "
      "'2006-01-02T17:04:05+02:00', r, x'00112233445566778899aabbccddeeff', 'not a time' FROM v");
  ASSERT_TRUE(r.Next());
  const Time t = At(2006, 1, 2, 15, 4, 5, 0);
  EXPECT_EQ(r.TimeAt(0), t);
  EXPECT_EQ(r.TimeAt(1), t + std::chrono::milliseconds(250));
  EXPECT_EQ(r.TimeAt(2), t);
  EXPECT_EQ(r.TimeAt(3), At(2006, 1, 2, 0, 0, 0, 0));
  EXPECT_EQ(r.TimeAt(4), t);
  EXPECT_EQ(r.Int(5), 5);  // a whole REAL
  EXPECT_EQ(r.Uuid(6), UUID::Parse("00112233-4455-6677-8899-aabbccddeeff"));
  try {
    r.TimeAt(7);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("as a time"));
    EXPECT_THAT(e.what(), HasSubstr("\"not a time\""));
  }
}

}  // namespace
}  // namespace strata
