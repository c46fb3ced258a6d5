// strata.sum: SHA-256 and base64 against published vectors, the Atlas atlas.sum algorithm against
// a value derived independently with a shell pipeline, and tampered directories.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "migrate/sha256.hpp"
#include "strata/error.hpp"
#include "strata/migrate/dir.hpp"
#include "support/databases.hpp"

namespace strata::migrate {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Hex(const Sha256::Digest& d) {
  std::string out;
  for (auto b : d) out += fmt::format("{:02x}", b);
  return out;
}

std::string HexOf(std::string_view data) {
  Sha256 h;
  h.Update(data);
  return Hex(h.Sum());
}

void WriteText(const std::filesystem::path& path, std::string_view text) {
  std::ofstream(path, std::ios::binary) << text;
}

// FIPS 180-2, appendix B.1 and B.3, and the empty message.
TEST(DirSha256, StandardVectors) {
  EXPECT_EQ(HexOf("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexOf(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexOf(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // FIPS 180-2 B.2: a two-block message.
  EXPECT_EQ(HexOf("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(DirSha256, UpdatesInPiecesAndSumsSoFar) {
  Sha256 h;
  const std::string text(1000, 'x');
  for (size_t i = 0; i < text.size(); i += 7) h.Update(std::string_view(text).substr(i, 7));
  EXPECT_EQ(Hex(h.Sum()), HexOf(text));
  // Sum() leaves the running state alone: more data continues the same message.
  Sha256 running;
  running.Update("ab");
  EXPECT_EQ(Hex(running.Sum()), HexOf("ab"));
  running.Update("c");
  EXPECT_EQ(Hex(running.Sum()), HexOf("abc"));
}

// RFC 4648 §10.
TEST(DirSha256, Base64Vectors) {
  EXPECT_EQ(Base64(std::string_view("")), "");
  EXPECT_EQ(Base64(std::string_view("f")), "Zg==");
  EXPECT_EQ(Base64(std::string_view("fo")), "Zm8=");
  EXPECT_EQ(Base64(std::string_view("foo")), "Zm9v");
  EXPECT_EQ(Base64(std::string_view("foob")), "Zm9vYg==");
  EXPECT_EQ(Base64(std::string_view("fooba")), "Zm9vYmE=");
  EXPECT_EQ(Base64(std::string_view("foobar")), "Zm9vYmFy");
}

class DirSum : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteText(dir_.path() / "1_init.up.sql", "CREATE TABLE t (id int);\n");
    WriteText(dir_.path() / "1_init.down.sql", "DROP TABLE t;\n");
    WriteText(dir_.path() / "2_add.up.sql", "ALTER TABLE t ADD COLUMN x int;\n");
    WriteText(dir_.path() / "README.md", "not a migration\n");
  }
  Dir Open() { return Dir::Open(dir_.path(), DirFormat::kGolangMigrate); }
  std::string ErrorOf(const Dir& dir) {
    try {
      dir.VerifySum();
    } catch (const ChecksumError& e) {
      return e.what();
    }
    return "";
  }
  testing::TempDir dir_;
};

// The expected sum was derived without strata, in the folder SetUp() creates:
//   h() { openssl dgst -sha256 -binary | base64; }
//   h1=$(cat <(printf %s 1_init.down.sql) 1_init.down.sql | h)
//   h2=$(cat <(printf %s 1_init.down.sql) 1_init.down.sql <(printf %s 1_init.up.sql) 1_init.up.sql
//   | h) h3=$(cat <(…as for h2…) <(printf %s 2_add.up.sql) 2_add.up.sql | h) tot=$(printf %s
//   "1_init.down.sql$h1" "1_init.up.sql$h2" "2_add.up.sql$h3" | h)
// i.e. Atlas's algorithm: one running SHA-256 over each file's name then bytes, in name order,
// recording the running hash after each file; the total hashes every (name, hash) pair.
TEST_F(DirSum, MatchesAtlasAlgorithmDerivedIndependently) {
  EXPECT_EQ(Open().ComputeSum(),
            "h1:BHFM05JhiwUNH4FVwsbR+HDMcqfn+mnEAypCYXpV4X4=\n"
            "1_init.down.sql h1:eQtrYNLukKczpnoB7GRPuEqystQzJElZNNoxb2NPUz8=\n"
            "1_init.up.sql h1:eFRiq3FPgK3scjgCuI6EJXteqFchSAEZB29zJeNp9SQ=\n"
            "2_add.up.sql h1:KgxUJTnUVJg1fYGDjI3BemeAS1q6/r4M1EhUG0/ksEI=\n");
}

TEST_F(DirSum, WriteThenVerify) {
  const Dir dir = Open();
  dir.WriteSum();
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "strata.sum"));
  EXPECT_NO_THROW(dir.VerifySum());
}

TEST_F(DirSum, MissingSumIsAnErrorOnlyWithMigrations) {
  EXPECT_THAT(ErrorOf(Open()), HasSubstr("no strata.sum"));
  EXPECT_THAT(ErrorOf(Open()), HasSubstr("strata migrate hash"));
  testing::TempDir empty;
  EXPECT_NO_THROW(Dir::Open(empty.path(), DirFormat::kGolangMigrate).VerifySum());
}

TEST_F(DirSum, NamesAddedEditedAndRemovedFiles) {
  Open().WriteSum();
  WriteText(dir_.path() / "3_more.up.sql", "CREATE TABLE u (id int);\n");
  std::string error = ErrorOf(Open());
  EXPECT_THAT(error, HasSubstr("added:   3_more.up.sql"));
  EXPECT_THAT(error, HasSubstr("Run `strata migrate hash` if the change was intended"));
  EXPECT_THAT(error, Not(HasSubstr("edited")));

  std::filesystem::remove(dir_.path() / "3_more.up.sql");
  WriteText(dir_.path() / "1_init.up.sql", "CREATE TABLE t (id bigint);\n");
  error = ErrorOf(Open());
  EXPECT_THAT(error, HasSubstr("edited:  1_init.up.sql"));
  EXPECT_THAT(error, HasSubstr("1 later file cannot be checked one by one"));

  WriteText(dir_.path() / "1_init.up.sql", "CREATE TABLE t (id int);\n");
  EXPECT_EQ(ErrorOf(Open()), "");
  std::filesystem::remove(dir_.path() / "2_add.up.sql");
  EXPECT_THAT(ErrorOf(Open()), HasSubstr("removed: 2_add.up.sql"));
}

TEST_F(DirSum, HandEditedSumFileIsCorrupt) {
  const Dir dir = Open();
  std::string sum = dir.ComputeSum();
  sum.replace(sum.find("1_init.up.sql h1:") + 17, 4, "AAAA");
  WriteText(dir_.path() / "strata.sum", sum);
  EXPECT_THAT(ErrorOf(dir), HasSubstr("does not match the lines below it"));
  WriteText(dir_.path() / "strata.sum", "<<<<<<< HEAD\n" + sum);
  EXPECT_THAT(ErrorOf(dir), HasSubstr("strata.sum:1"));
}

}  // namespace
}  // namespace strata::migrate
