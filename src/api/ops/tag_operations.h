// TagResource, UntagResource and GetTags route by the ARN's resource type
// ("database", "crawler" ...) to a ResourceTagger. Each module registers its
// taggers on the registry's TagRouter when it registers its operations:
//
//   ops::tag_router(registry).add("crawler", std::make_shared<CrawlerTagger>(service));
//
// The router checks the ARN's form and account once (common/tag_arn.h);
// taggers apply Glue's other rules (50 tags, string values) with the same
// shared checks (catalog/tag_rules.h).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "api/operation.h"
#include "common/call_context.h"
#include "common/status.h"
#include "common/tag_arn.h"

namespace mortar::api::ops {

// The tags of one kind of resource. `arn` is already parsed and belongs to
// the caller's account; a missing resource is NotFound (EntityNotFoundException).
class ResourceTagger {
 public:
  virtual ~ResourceTagger() = default;
  virtual Status tag(const CallContext& ctx, const TagArn& arn, const Json& tags_to_add) = 0;
  virtual Status untag(const CallContext& ctx, const TagArn& arn,
                       const std::vector<std::string>& keys) = 0;
  virtual StatusOr<Json> get_tags(const CallContext& ctx, const TagArn& arn) = 0;
};

// The tagger of a resource named by the ARN's path (crawler/<name>,
// job/<name>, trigger/<name>): forwards to the owning service's members.
template <typename Service>
class NamedResourceTagger : public ResourceTagger {
 public:
  using Tag = Status (Service::*)(const CallContext&, const std::string&, const Json&);
  using Untag = Status (Service::*)(const CallContext&, const std::string&,
                                    const std::vector<std::string>&);
  using Get = StatusOr<Json> (Service::*)(const CallContext&, const std::string&);

  // `kind` names the resource in the error for an ARN that names none.
  NamedResourceTagger(Service& service, std::string kind, Tag tag, Untag untag, Get get)
      : service_(service), kind_(std::move(kind)), tag_(tag), untag_(untag), get_(get) {}

  Status tag(const CallContext& ctx, const TagArn& arn, const Json& tags) override {
    MORTAR_RETURN_IF_ERROR(check(arn));
    return (service_.*tag_)(ctx, arn.path, tags);
  }
  Status untag(const CallContext& ctx, const TagArn& arn,
               const std::vector<std::string>& keys) override {
    MORTAR_RETURN_IF_ERROR(check(arn));
    return (service_.*untag_)(ctx, arn.path, keys);
  }
  StatusOr<Json> get_tags(const CallContext& ctx, const TagArn& arn) override {
    MORTAR_RETURN_IF_ERROR(check(arn));
    return (service_.*get_)(ctx, arn.path);
  }

 private:
  Status check(const TagArn& arn) const {
    if (arn.path.empty()) {
      return invalid_input("Invalid ResourceArn: " + arn.text + " names no " + kind_ + ".");
    }
    return ok_status();
  }
  Service& service_;
  const std::string kind_;
  const Tag tag_;
  const Untag untag_;
  const Get get_;
};

// Resource type -> tagger. Filled during registration, read-only afterwards.
class TagRouter {
 public:
  // Replaces any tagger for `type`.
  void add(const std::string& type, std::shared_ptr<ResourceTagger> tagger);
  // The tagger for `arn`'s type; InvalidInput when that type cannot be tagged.
  StatusOr<ResourceTagger*> route(const TagArn& arn) const;
  bool handles(const std::string& type) const { return taggers_.count(type) > 0; }

 private:
  std::map<std::string, std::shared_ptr<ResourceTagger>> taggers_;
};

// The router behind `registry`'s TagResource/UntagResource/GetTags; the first
// call registers those operations (with no resource types yet).
TagRouter& tag_router(OperationRegistry& registry);

}  // namespace mortar::api::ops
