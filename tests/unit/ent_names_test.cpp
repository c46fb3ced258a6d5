// ent's naming functions: inflect's Pluralize/Singularize, ent's snake(), table names and Atlas's
// MD5 shortening, checked against the worked examples of ent's own tests and fixtures (its
// TestType_Table, its integration schema, its TestDDL and migration tests) and the inflect rules
// they follow.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "ent/graph/names.hpp"

namespace strata::ent {
namespace {

using Cases = std::vector<std::pair<std::string, std::string>>;

TEST(EntNamesTest, TableNamesOfEntsFixtures) {
  // ent's TestType_Table and its integration schema.
  for (const auto& [type, table] : Cases{{"User", "users"},
                                         {"Device", "devices"},
                                         {"UserInfo", "user_infos"},
                                         {"PHBOrg", "phb_orgs"},
                                         {"HTTPCode", "http_codes"},
                                         {"Api", "apis"},
                                         {"PC", "pcs"},
                                         {"Goods", "goods"},
                                         {"Metadata", "metadata"}}) {
    EXPECT_EQ(TableName(type), table) << type;
  }
}

TEST(EntNamesTest, PluralizeRunsCaseSensitiveSuffixRulesOnThePascalCaseName) {
  for (const auto& [word, plural] : Cases{{"Person", "Persons"},
                                          {"Salesperson", "Salespeople"},
                                          {"Status", "Status"},
                                          {"Category", "Categories"},
                                          {"Media", "Media"},
                                          {"API", "APIs"},
                                          {"URL", "URLs"},
                                          {"UserData", "UserData"},
                                          {"Child", "Childs"},
                                          {"Man", "Mans"},
                                          {"Woman", "Women"},
                                          {"Human", "Humen"},
                                          {"Box", "Boxes"},
                                          {"Bus", "Bus"},
                                          {"Alias", "Alias"},
                                          {"Octopus", "Octopus"},
                                          {"Axis", "Axis"},
                                          {"Index", "Indexes"},
                                          {"Matrix", "Matrixes"},
                                          {"Vertex", "Vertexes"},
                                          {"Ox", "Oxes"},
                                          {"Quiz", "Quizs"},
                                          {"Mouse", "Mouses"},
                                          {"Datum", "Data"},
                                          {"Medium", "Media"},
                                          {"Analysis", "Analyses"},
                                          {"Crisis", "Crises"},
                                          {"Leaf", "Leafs"},
                                          {"Knife", "Knives"},
                                          {"Wife", "Wives"},
                                          {"Shelf", "Shelves"},
                                          {"Safe", "Saves"},
                                          {"Cafe", "Caves"},
                                          {"Hero", "Heros"},
                                          {"Tomato", "Tomatos"},
                                          {"Buffalo", "Buffalos"},
                                          {"Company", "Companies"},
                                          {"Policy", "Policies"},
                                          {"Soliloquy", "Soliloquies"},
                                          {"Day", "Days"},
                                          {"Key", "Keys"},
                                          {"UserID", "UserIDs"},
                                          {"ID", "IDs"},
                                          {"HTTPServer", "HTTPServers"},
                                          {"PetOwner", "PetOwners"},
                                          {"", ""}}) {
    EXPECT_EQ(Pluralize(word), plural) << word;
  }
  // Lower-case words hit the rules; exact rules match whole words only.
  for (const auto& [word, plural] : Cases{{"person", "people"},
                                          {"child", "children"},
                                          {"quiz", "quizzes"},
                                          {"ox", "oxen"},
                                          {"box", "boxes"},
                                          {"mouse", "mice"},
                                          {"octopus", "octopi"},
                                          {"status", "statuses"}}) {
    EXPECT_EQ(Pluralize(word), plural) << word;
  }
}

TEST(EntNamesTest, UncountablesAreFoundCaseInsensitivelyOnTheLastWord) {
  for (const char* word : {"Fish", "Sheep", "Equipment", "Series", "Species", "Information",
                           "Money", "Police", "jeans", "rice"}) {
    EXPECT_EQ(Pluralize(word), word);
    EXPECT_EQ(Singularize(word), word);
  }
  EXPECT_EQ(Pluralize("gold fish"), "gold fish");
}

TEST(EntNamesTest, TableNamesOfTheWorkedExamples) {
  for (const auto& [type, table] : Cases{{"PetOwner", "pet_owners"},
                                         {"Person", "persons"},
                                         {"Status", "status"},
                                         {"Category", "categories"},
                                         {"Media", "media"},
                                         {"API", "ap_is"},
                                         {"HTTPServer", "http_servers"},
                                         {"UserID", "user_ids"},
                                         {"ID", "ids"},
                                         {"URL", "ur_ls"},
                                         {"UserData", "user_data"},
                                         {"Child", "childs"},
                                         {"Man", "mans"},
                                         {"Woman", "women"},
                                         {"Human", "humen"},
                                         {"Box", "boxes"},
                                         {"Bus", "bus"},
                                         {"Alias", "alias"},
                                         {"Octopus", "octopus"},
                                         {"Axis", "axis"}}) {
    EXPECT_EQ(TableName(type), table) << type;
  }
}

TEST(EntNamesTest, Singularize) {
  for (const auto& [word, singular] : Cases{{"friends", "friend"},
                                            {"followers", "follower"},
                                            {"following", "following"},
                                            {"children", "child"},
                                            {"people", "person"},
                                            {"relatives", "relative"},
                                            {"categories", "category"},
                                            {"boxes", "box"},
                                            {"knives", "knife"},
                                            {"shelves", "shelf"},
                                            {"quizzes", "quiz"},
                                            {"statuses", "status"},
                                            {"databases", "database"},
                                            {"analyses", "analysis"},
                                            {"news", "news"},
                                            {"data", "datum"},
                                            {"users", "user"},
                                            {"user", "user"}}) {
    EXPECT_EQ(Singularize(word), singular) << word;
  }
}

TEST(EntNamesTest, Snake) {
  for (const auto& [name, snake] : Cases{{"SSOCert", "sso_cert"},
                                         {"fooBAR", "foo_bar"},
                                         {"aBC", "a_bc"},
                                         {"ABc", "abc"},
                                         {"MyHTTP", "my_http"},
                                         {"ToJSON", "to_json"},
                                         {"APIKey", "api_key"},
                                         {"OAuthToken", "oauth_token"},
                                         {"createdAt", "created_at"},
                                         {"userID", "user_id"},
                                         {"IPv4Address", "ipv4address"},
                                         {"Foo2Bar", "foo2bar"},
                                         {"PointX", "pointx"},
                                         {"UserInfo", "user_info"},
                                         {"already_snake", "already_snake"},
                                         {"User_Name", "user_name"},
                                         {"Username", "username"},
                                         {"FullName", "full_name"},
                                         {"HTTPCode", "http_code"},
                                         {"", ""}}) {
    EXPECT_EQ(Snake(name), snake) << name;
  }
}

TEST(EntNamesTest, SnakeTakesEachByteOfANonAsciiNameForALatin1Character) {
  // "é" is C3 A9: C3 reads as "Ã" (upper case, so an underscore goes before it after a lower-case
  // letter) and is written as "ã"; A9 reads as "©" and is written as that character.
  EXPECT_EQ(Snake("caf\xC3\xA9s"), "caf_\xC3\xA3\xC2\xA9s");
}

TEST(EntNamesTest, Md5) {
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Md5Hex("The quick brown fox jumps over the lazy dog"),
            "9e107d9d372bb6826bd81d3542a419d6");
  // Inputs around the 56- and 64-byte padding boundaries.
  EXPECT_EQ(Md5Hex(std::string(55, 'a')), "ef1772b6dff9a122358552954ad0df65");
  EXPECT_EQ(Md5Hex(std::string(56, 'a')), "3b0c8ac703f828b04c6c197006d17218");
  EXPECT_EQ(Md5Hex(std::string(64, 'a')), "014842d480b571495a4a0363793f7367");
}

TEST(EntNamesTest, ShortenNameAsAtlasSymbol) {
  // ent's TestDDL (PostgreSQL, 63).
  EXPECT_EQ(
      ShortenName("super_duper_mega_ultra_hyper_giga_colossal_unbelievably_long_index_name", 63),
      "super_duper_mega_ultra_hyper_g_249590215c5bc8be0106146e65d7fa7f");
  // ent's SQLite migration test (64).
  EXPECT_EQ(ShortenName("long_" + std::string(60, '_'), 64),
            "long____________________________1cb2e7e47a309191385af4ad320875b1");
  EXPECT_EQ(ShortenName(std::string(63, 'x'), 63), std::string(63, 'x'));
  EXPECT_EQ(ShortenName(std::string(64, 'x'), 63).size(), 63u);
}

}  // namespace
}  // namespace strata::ent
