#include "base/byte_sink.h"

#include <cstring>
#include <string>

#include "gtest/gtest.h"

namespace h2engine {
namespace {

TEST(ByteSinkTest, AppendsInNetworkOrder) {
  ByteSink sink;
  sink.AppendUInt8(0x01);
  sink.AppendUInt16(0x0203);
  sink.AppendUInt24(0x040506);
  sink.AppendUInt32(0x0708090a);
  sink.Append(std::string_view("xy"));
  EXPECT_EQ(sink.view(), std::string_view("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0axy", 12));
  EXPECT_EQ(sink.size(), 12u);
  EXPECT_FALSE(sink.empty());
}

TEST(ByteSinkTest, GrowsAcrossManyAppendsAndKeepsContents) {
  ByteSink sink;
  std::string expected;
  for (int i = 0; i < 10000; ++i) {
    char c = static_cast<char>('a' + i % 26);
    sink.Append(std::string_view(&c, 1));
    expected.push_back(c);
  }
  EXPECT_EQ(sink.view(), expected);
  EXPECT_GE(sink.capacity(), 10000u);
}

TEST(ByteSinkTest, ReserveAndCommit) {
  ByteSink sink;
  sink.Append(std::string_view("ab"));
  uint8_t* p = sink.Reserve(8);
  std::memcpy(p, "cdefghij", 8);
  EXPECT_EQ(sink.size(), 2u);  // Nothing appended until Commit.
  sink.Commit(3);
  EXPECT_EQ(sink.view(), "abcde");
}

TEST(ByteSinkTest, ClearKeepsCapacityAndTruncateShrinks) {
  ByteSink sink(1024);
  EXPECT_GE(sink.capacity(), 1024u);
  sink.Append(std::string_view("hello world"));
  sink.Truncate(5);
  EXPECT_EQ(sink.view(), "hello");
  size_t capacity = sink.capacity();
  sink.Clear();
  EXPECT_TRUE(sink.empty());
  EXPECT_EQ(sink.capacity(), capacity);
}

TEST(ByteSinkTest, MoveTransfersContents) {
  ByteSink a;
  a.Append(std::string_view("payload"));
  ByteSink b(std::move(a));
  EXPECT_EQ(b.view(), "payload");
  EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): moved-from is empty.
  ByteSink c;
  c = std::move(b);
  EXPECT_EQ(c.view(), "payload");
}

TEST(ByteSinkTest, AppendUninitializedReturnsWritableTail) {
  ByteSink sink;
  sink.AppendUInt8('x');
  uint8_t* p = sink.AppendUninitialized(2);
  p[0] = 'y';
  p[1] = 'z';
  EXPECT_EQ(sink.view(), "xyz");
}

}  // namespace
}  // namespace h2engine
