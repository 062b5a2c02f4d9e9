#include "io/s3/s3_xml.h"

#include <gtest/gtest.h>

namespace mortar::io::s3 {
namespace {

constexpr const char* kPage = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name><Prefix>data/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <Contents><Key>data/a&amp;b.csv</Key><LastModified>2013-09-17T18:07:53.500Z</LastModified>
    <ETag>&quot;599bab3ed2c697f1d26842727561fd94&quot;</ETag><Size>142863</Size><StorageClass>STANDARD</StorageClass></Contents>
  <Contents><Key>data/dir/</Key><LastModified>2013-09-17T18:07:53Z</LastModified><Size>0</Size></Contents>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
</ListBucketResult>)";

TEST(S3Xml, ParsesListObjectsV2Page) {
  std::string error;
  auto page = parse_list_objects(kPage, &error);
  ASSERT_TRUE(page) << error;
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "data/a&b.csv");
  EXPECT_EQ(page->objects[0].size, 142863);
  EXPECT_EQ(page->objects[0].mtime_micros, 1379441273500000);
  EXPECT_EQ(page->objects[1].key, "data/dir/");
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
}

TEST(S3Xml, LastPageAndEmptyListing) {
  std::string error;
  auto page = parse_list_objects(
      "<ListBucketResult><Name>b</Name><Prefix/><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated>"
      "</ListBucketResult>",
      &error);
  ASSERT_TRUE(page) << error;
  EXPECT_TRUE(page->objects.empty());
  EXPECT_FALSE(page->truncated);
}

TEST(S3Xml, RejectsMalformedListings) {
  std::string error;
  EXPECT_FALSE(parse_list_objects("<Error><Code>AccessDenied</Code></Error>", &error));
  EXPECT_FALSE(parse_list_objects("<ListBucketResult><Contents><Key>k</Key></Contents></ListBucketResult>", &error));
  EXPECT_NE(error.find("Size"), std::string::npos);
  EXPECT_FALSE(parse_list_objects(
      "<ListBucketResult><Contents><Key>k</Key><Size>-4</Size></Contents></ListBucketResult>", &error));
  EXPECT_FALSE(parse_list_objects("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>", &error));
}

TEST(S3Xml, ElementLookupAndEntities) {
  std::string_view xml = "<Error><Code>NoSuchKey</Code><CodeX>no</CodeX><Message>a &lt;b&gt; &#233;&#x41;</Message></Error>";
  EXPECT_EQ(xml_text(xml, "Code"), "NoSuchKey");
  EXPECT_EQ(xml_text(xml, "Message"), "a <b> \xC3\xA9" "A");
  EXPECT_FALSE(xml_text(xml, "Missing"));
  EXPECT_EQ(xml_elements("<a>1</a><ab>x</ab><a>2</a><a/>", "a").size(), 3u);
  EXPECT_EQ(xml_unescape("&bogus; & &#xZZ;"), "&bogus; & &#xZZ;");
  EXPECT_EQ(xml_escape("<k&'\">"), "&lt;k&amp;&apos;&quot;&gt;");
  EXPECT_EQ(xml_text("<UploadId>VXBsb2FkIElE</UploadId>", "UploadId"), "VXBsb2FkIElE");
}

}  // namespace
}  // namespace mortar::io::s3
