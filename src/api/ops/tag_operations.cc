// TagResource, UntagResource, GetTags. ARNs carry their own account, which
// must be the caller's; the resource type picks the tagger (tag_operations.h).
#include "api/ops/tag_operations.h"

#include "api/ops/op_support.h"

namespace mortar::api::ops {
namespace {

// The Data Catalog's entities: catalog::Catalog resolves the ARN itself.
class CatalogTagger : public ResourceTagger {
 public:
  explicit CatalogTagger(catalog::Catalog& c) : c_(c) {}
  Status tag(const CallContext& ctx, const TagArn& arn, const Json& tags) override {
    return c_.tag_resource(ctx, arn.text, tags);
  }
  Status untag(const CallContext& ctx, const TagArn& arn,
               const std::vector<std::string>& keys) override {
    return c_.untag_resource(ctx, arn.text, keys);
  }
  StatusOr<Json> get_tags(const CallContext& ctx, const TagArn& arn) override {
    return c_.get_tags(ctx, arn.text);
  }

 private:
  catalog::Catalog& c_;
};

// The handler of all three operations. A named type (not a lambda) so that
// tag_router() can find the router inside the registered std::function.
struct TagHandler {
  enum Op { kTag, kUntag, kGet };
  std::shared_ptr<TagRouter> router;
  Op op;

  StatusOr<Json> operator()(RequestContext& rctx, const Json& in) const {
    CallContext ctx = call_context(rctx, in);
    MORTAR_ASSIGN_OR_RETURN(TagArn arn, parse_tag_arn(ctx, str(in, "ResourceArn")));
    MORTAR_ASSIGN_OR_RETURN(ResourceTagger * tagger, router->route(arn));
    switch (op) {
      case kTag:
        MORTAR_RETURN_IF_ERROR(tagger->tag(ctx, arn, member(in, "TagsToAdd")));
        return Json::object();
      case kUntag:
        MORTAR_RETURN_IF_ERROR(tagger->untag(ctx, arn, str_list(in, "TagsToRemove")));
        return Json::object();
      case kGet: {
        MORTAR_ASSIGN_OR_RETURN(Json tags, tagger->get_tags(ctx, arn));
        return wrap("Tags", std::move(tags));
      }
    }
    return internal_error("unknown tag operation");
  }
};

}  // namespace

void TagRouter::add(const std::string& type, std::shared_ptr<ResourceTagger> tagger) {
  taggers_[type] = std::move(tagger);
}

StatusOr<ResourceTagger*> TagRouter::route(const TagArn& arn) const {
  auto it = taggers_.find(arn.type);
  if (it != taggers_.end()) return it->second.get();
  if (arn.type == "classifier") {
    return invalid_input("Classifiers cannot be tagged in AWS Glue: " + arn.text);
  }
  return invalid_input("Tagging is not supported for resource " + arn.text);
}

TagRouter& tag_router(OperationRegistry& registry) {
  if (const OpHandler* h = registry.find("TagResource")) {
    if (const TagHandler* t = h->target<TagHandler>()) return *t->router;
  }
  auto router = std::make_shared<TagRouter>();
  registry.add("TagResource", TagHandler{router, TagHandler::kTag});
  registry.add("UntagResource", TagHandler{router, TagHandler::kUntag});
  registry.add("GetTags", TagHandler{router, TagHandler::kGet});
  return *router;
}

void register_tag_operations(OperationRegistry& r, catalog::Catalog& c) {
  auto tagger = std::make_shared<CatalogTagger>(c);
  TagRouter& router = tag_router(r);
  for (const char* type : {"database", "table", "connection", "userDefinedFunction"})
    router.add(type, tagger);
}

}  // namespace mortar::api::ops
