#include "h2/outbound_queue.h"

#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace h2engine::h2 {
namespace {

std::string_view View(std::span<const uint8_t> s) {
  return {reinterpret_cast<const char*>(s.data()), s.size()};
}

TEST(OutboundQueueTest, UrgentGoesBeforeControlButAfterCommitted) {
  OutboundQueue q;
  q.committed().Append(std::string_view("data1"));
  q.control().Append(std::string_view("ctl"));
  q.urgent().Append(std::string_view("ack"));
  EXPECT_EQ(q.backlog(), 11u);
  q.Flush();
  EXPECT_EQ(View(q.Pending()), "data1ackctl");
  EXPECT_TRUE(q.urgent().empty());
  EXPECT_TRUE(q.control().empty());
}

TEST(OutboundQueueTest, ConsumeInPiecesAndCompact) {
  OutboundQueue q;
  q.committed().Append(std::string_view("abcdefgh"));
  q.Consume(3);
  EXPECT_EQ(View(q.Pending()), "defgh");
  q.Consume(2);
  q.PrepareCommit();  // 5 of 8 consumed: compacts
  EXPECT_EQ(View(q.Pending()), "fgh");
  q.committed().Append(std::string_view("ij"));
  EXPECT_EQ(View(q.Pending()), "fghij");
  q.Consume(100);  // clamped
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.total_consumed(), 10u);
}

TEST(OutboundQueueTest, LargeBuffersAreReleasedWhenDrained) {
  OutboundQueue q;
  q.committed().Append(std::string(OutboundQueue::kRetainedCapacity * 2, 'x'));
  q.Consume(OutboundQueue::kRetainedCapacity * 2);
  EXPECT_EQ(q.committed().capacity(), 0u);
  q.committed().Append(std::string_view("small"));
  q.Consume(5);
  EXPECT_GT(q.committed().capacity(), 0u);  // small buffers are kept
}

}  // namespace
}  // namespace h2engine::h2
