// ResolveChoice: cast:<type> (every value cast, unparsable -> null),
// project:<type> (values of that type kept, the others null), make_struct
// (a struct with one field per alternative, named by Glue's type name) and
// make_cols (one column <name>_<type> per alternative, in place of the
// choice). Specs name paths (with [] into arrays); `choice` applies one
// action to every choice in the schema.
#include <cctype>
#include <optional>

#include "common/ascii.h"
#include "engine/cast.h"
#include "engine/column_ops.h"
#include "engine/conform.h"
#include "engine/schema_merge.h"
#include "engine/transforms.h"

namespace mortar::engine {

using types::Column;
using types::DataType;
using types::RecordBatch;
using types::TypeKind;
using types::TypePtr;

namespace {

enum class Action { kCast, kProject, kMakeCols, kMakeStruct };

struct Spec {
  FieldPath path;
  Action action;
  TypePtr type;           // cast / project
  std::string type_name;  // as written, for project of bare "struct" etc.
};

StatusOr<Spec> parse_action(const std::string& text) {
  Spec s;
  std::string lower = ascii_lower(text);
  if (lower == "make_cols") {
    s.action = Action::kMakeCols;
  } else if (lower == "make_struct") {
    s.action = Action::kMakeStruct;
  } else if (lower.rfind("cast:", 0) == 0 || lower.rfind("project:", 0) == 0) {
    s.action = lower[0] == 'c' ? Action::kCast : Action::kProject;
    s.type_name = text.substr(text.find(':') + 1);
    auto t = parse_glue_type(s.type_name);
    if (!t.ok()) return annotate(t.status(), "ResolveChoice action '" + text + "'");
    s.type = *t;
    if (!s.type && s.action == Action::kCast)
      return invalid_input("ResolveChoice: cast needs a full type, e.g. cast:array<int>, not '" +
                           text + "'");
  } else if (lower == "match_catalog") {
    return unimplemented("ResolveChoice: match_catalog needs a catalog table (not supported here)");
  } else {
    return invalid_input("ResolveChoice: unknown action '" + text +
                         "' (expected cast:<type>, project:<type>, make_cols or make_struct)");
  }
  return s;
}

// The alternative `project` keeps, or -1.
int project_alternative(const DataType& choice, const Spec& spec) {
  if (spec.type) return choice_slot(choice, *spec.type);
  std::string want = ascii_lower(spec.type_name);
  for (size_t i = 0; i < choice.fields().size(); ++i)
    if (glue_type_name(*choice.fields()[i].type) == want) return static_cast<int>(i);
  return -1;
}

// The alternatives of a column as (name, full-length column); a column that
// is not a choice is its own single alternative.
std::vector<std::pair<std::string, std::unique_ptr<Column>>> split(std::unique_ptr<Column> c) {
  std::vector<std::pair<std::string, std::unique_ptr<Column>>> out;
  if (c->type()->kind() != TypeKind::kChoice) {
    std::string name = glue_type_name(*c->type());
    out.emplace_back(name, std::move(c));
    return out;
  }
  for (size_t i = 0; i < c->type()->fields().size(); ++i) {
    std::string name = glue_type_name(*c->type()->fields()[i].type);
    // Two alternatives with one Glue name (int and varchar ... rarely): keep both.
    for (const auto& [n, col] : out)
      if (n == name) name += "_" + std::to_string(i);
    out.emplace_back(name, choice_alternative(*c, static_cast<int>(i)));
  }
  return out;
}

StatusOr<std::unique_ptr<Column>> resolve_column(std::unique_ptr<Column> c, const Spec& spec) {
  switch (spec.action) {
    case Action::kCast:
      return cast_column(*c, spec.type);
    case Action::kProject: {
      if (c->type()->kind() != TypeKind::kChoice) {
        bool same = spec.type ? c->type()->equals(*spec.type)
                              : glue_type_name(*c->type()) == spec.type_name;
        if (same) return c;
        return null_column(spec.type ? spec.type : c->type(), c->length());
      }
      int alt = project_alternative(*c->type(), spec);
      if (alt < 0) return null_column(spec.type ? spec.type : DataType::null(), c->length());
      return choice_alternative(*c, alt);
    }
    case Action::kMakeStruct: {
      std::vector<std::string> names;
      std::vector<std::unique_ptr<Column>> children;
      int64_t n = c->length();
      for (auto& [name, col] : split(std::move(c))) {
        names.push_back(name);
        children.push_back(std::move(col));
      }
      Column shell(DataType::structure({}));
      shell.set_length(n);
      return rebuild_struct(shell, std::move(names), std::move(children));
    }
    case Action::kMakeCols:
      break;
  }
  return internal_error("make_cols is resolved at the parent");
}

StatusOr<std::unique_ptr<Column>> apply_spec(std::unique_ptr<Column> root, const Spec& spec) {
  if (spec.action != Action::kMakeCols) {
    return rewrite_column(std::move(root), spec.path, [&](std::unique_ptr<Column> c) {
      return resolve_column(std::move(c), spec);
    });
  }
  if (spec.path.back().array_depth > 0)
    return invalid_input("ResolveChoice: make_cols needs a field, not array elements ('" +
                         path_to_string(spec.path) + "')");
  return rewrite_parent(std::move(root), spec.path,
                        [&](std::unique_ptr<Column> parent,
                            const PathStep& last) -> StatusOr<std::unique_ptr<Column>> {
                          int i = parent->type()->field_index(last.name);
                          if (i < 0) return parent;
                          std::vector<std::string> names;
                          std::vector<std::unique_ptr<Column>> children;
                          const auto& fields = parent->type()->fields();
                          for (size_t k = 0; k < fields.size(); ++k) {
                            if (static_cast<int>(k) != i) {
                              names.push_back(fields[k].name);
                              children.push_back(std::move(parent->children()[k]));
                              continue;
                            }
                            for (auto& [name, col] : split(std::move(parent->children()[k]))) {
                              names.push_back(last.name + "_" + name);
                              children.push_back(std::move(col));
                            }
                          }
                          return rebuild_struct(*parent, std::move(names), std::move(children));
                        });
}

// Paths of every choice in a schema (not inside choices).
void find_choices(const TypePtr& t, FieldPath& prefix, std::vector<FieldPath>& out) {
  if (t->kind() != TypeKind::kStruct) return;
  for (const auto& f : t->fields()) {
    prefix.push_back({f.name, 0});
    TypePtr ft = f.type;
    while (ft->kind() == TypeKind::kArray) {
      ++prefix.back().array_depth;
      ft = ft->element();
    }
    if (ft->kind() == TypeKind::kChoice) {
      out.push_back(prefix);
    } else {
      find_choices(ft, prefix, out);
    }
    prefix.pop_back();
  }
}

class ResolveChoiceNode : public BatchTransformNode {
 public:
  ResolveChoiceNode(NodePtr input, std::vector<Spec> specs, std::optional<Spec> all)
      : BatchTransformNode(std::move(input)), specs_(std::move(specs)), all_(std::move(all)) {}
  std::string name() const override { return "ResolveChoice"; }

 protected:
  StatusOr<std::unique_ptr<RecordBatch>> transform(std::unique_ptr<RecordBatch> batch,
                                                   ExecContext&) const override {
    std::vector<Spec> specs = specs_;
    if (all_) {
      std::vector<FieldPath> paths;
      FieldPath prefix;
      find_choices(batch->schema(), prefix, paths);
      for (auto& p : paths) {
        Spec s = *all_;
        s.path = p;
        // make_cols cannot split array elements: those become structs.
        if (s.action == Action::kMakeCols && p.back().array_depth > 0)
          s.action = Action::kMakeStruct;
        specs.push_back(std::move(s));
      }
    }
    auto root = batch_to_struct(std::move(batch));
    for (const Spec& s : specs) {
      MORTAR_ASSIGN_OR_RETURN(root, apply_spec(std::move(root), s));
    }
    return struct_to_batch(std::move(root));
  }

 private:
  std::vector<Spec> specs_;
  std::optional<Spec> all_;
};

}  // namespace

bool has_choice(const DataType& type) {
  if (type.kind() == TypeKind::kChoice) return true;
  for (const auto& f : type.fields())
    if (has_choice(*f.type)) return true;
  return false;
}

StatusOr<std::unique_ptr<RecordBatch>> choices_to_structs(std::unique_ptr<RecordBatch> batch) {
  Spec spec;
  spec.action = Action::kMakeStruct;
  // Each round turns the outermost choices into structs; a choice inside a
  // choice's struct alternative is found in the next.
  for (;;) {
    std::vector<FieldPath> paths;
    FieldPath prefix;
    find_choices(batch->schema(), prefix, paths);
    if (paths.empty()) return batch;
    auto root = batch_to_struct(std::move(batch));
    for (auto& path : paths) {
      spec.path = std::move(path);
      MORTAR_ASSIGN_OR_RETURN(root, apply_spec(std::move(root), spec));
    }
    batch = struct_to_batch(std::move(root));
  }
}

Status unresolved_choice_error(const std::string& writer, const TypePtr& schema,
                               const std::string& why) {
  std::vector<FieldPath> paths;
  FieldPath prefix;
  find_choices(schema, prefix, paths);
  const std::string head = writer + " cannot write ";
  if (paths.empty()) {  // only inside maps
    for (const auto& f : schema->fields()) {
      if (!has_choice(*f.type)) continue;
      return invalid_input(head + "column '" + path_to_string({{f.name, 0}}) + "' (" +
                           f.type->to_string() + ")" + why +
                           "; it holds a choice inside a map, which resolveChoice cannot reach: "
                           "give the column one type first with ApplyMapping");
    }
    return internal_error("unresolved_choice_error: no choice in " + schema->to_string());
  }
  const std::string path = path_to_string(paths.front());
  TypePtr choice = type_at(schema, paths.front());
  while (choice && choice->kind() == TypeKind::kArray) choice = choice->element();
  std::string scalar;  // the first alternative a cast can name
  if (choice) {
    for (const auto& alt : choice->fields()) {
      if (alt.type->is_nested()) continue;
      scalar = glue_type_name(*alt.type);
      break;
    }
  }
  std::string fix = "resolveChoice(specs=[(\"" + path + "\", \"" +
                    (scalar.empty() ? std::string("make_struct") : "cast:" + scalar) + "\")])";
  if (!scalar.empty() && scalar != "string") {
    fix += ", or \"cast:string\" / \"make_struct\" to keep every value";
  } else if (!scalar.empty()) {
    fix += ", or \"make_struct\" to keep every alternative";
  }
  return invalid_input(head + "the unresolved choice column '" + path + "' (" +
                       (choice ? choice->to_string() : std::string("choice")) + ")" + why +
                       "; resolve it first, e.g. " + fix);
}

StatusOr<NodePtr> make_resolve_choice(NodePtr input, const std::vector<ResolveSpec>& specs,
                                      const std::string& choice, const TransformOptions&) {
  if (!specs.empty() && !choice.empty())
    return invalid_input("ResolveChoice: give either specs or choice, not both");
  if (specs.empty() && choice.empty())
    return invalid_input("ResolveChoice: give specs or choice (match_catalog is not supported)");
  std::vector<Spec> parsed;
  for (const ResolveSpec& rs : specs) {
    MORTAR_ASSIGN_OR_RETURN(Spec s, parse_action(rs.action));
    MORTAR_ASSIGN_OR_RETURN(s.path, parse_path(rs.path));
    parsed.push_back(std::move(s));
  }
  std::optional<Spec> all;
  if (!choice.empty()) {
    MORTAR_ASSIGN_OR_RETURN(Spec s, parse_action(choice));
    all = std::move(s);
  }
  return NodePtr(
      std::make_shared<ResolveChoiceNode>(std::move(input), std::move(parsed), std::move(all)));
}

}  // namespace mortar::engine
