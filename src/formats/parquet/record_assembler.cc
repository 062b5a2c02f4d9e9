#include "formats/parquet/record_assembler.h"

#include <cstring>

namespace mortar::formats::parquet {

using types::Column;

namespace {

void set_validity(Column& col, const std::vector<uint8_t>& valid, int64_t n) {
  bool any_null = false;
  for (int64_t i = 0; i < n && !any_null; ++i) any_null = !valid[i];
  if (!any_null) {
    col.validity().clear();
    return;
  }
  std::vector<uint8_t>& bits = col.validity();
  bits.assign((n + 7) / 8, 0);
  for (int64_t i = 0; i < n; ++i) bits[i >> 3] |= static_cast<uint8_t>(valid[i] << (i & 7));
}

// Flat leaf at the top level: bulk copy or scatter.
Status assemble_flat(const FieldNode& leaf, LeafData& d, int64_t num_rows, Column& col) {
  if (d.num_entries != num_rows) return invalid_input("column " + leaf.name + " has the wrong row count");
  DenseValues& v = d.values;
  int w = v.width;
  if (d.def.empty()) {
    if (v.count != num_rows) return invalid_input("column " + leaf.name + " has too few values");
    if (w) {
      col.values_buffer() = std::move(v.values);
    } else {
      col.offsets() = std::move(v.offsets);
      col.data() = std::move(v.data);
    }
    col.set_length(num_rows);
    return ok_status();
  }
  const int16_t* def = d.def.data();
  const int16_t max_def = leaf.max_def;
  std::vector<uint8_t>& bits = col.validity();
  bits.assign((num_rows + 7) / 8, 0);
  bool any_null = false;
  int64_t j = 0;
  if (w) {
    std::vector<char>& out = col.values_buffer();
    if (v.count == num_rows) {
      out = std::move(v.values);  // all present
      j = num_rows;
      for (int64_t i = 0; i < num_rows; ++i) bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
    } else {
      out.assign(num_rows * w, 0);
      const char* src = v.values.data();
      for (int64_t i = 0; i < num_rows; ++i) {
        if (def[i] == max_def) {
          if (j >= v.count) return invalid_input("column " + leaf.name + " has too few values");
          std::memcpy(out.data() + i * w, src + j * w, w);
          ++j;
          bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
        } else {
          any_null = true;
        }
      }
    }
  } else {
    std::vector<int64_t>& offs = col.offsets();
    offs.resize(num_rows + 1);
    offs[0] = 0;
    for (int64_t i = 0; i < num_rows; ++i) {
      if (def[i] == max_def) {
        if (j >= v.count) return invalid_input("column " + leaf.name + " has too few values");
        ++j;
        bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
      } else {
        any_null = true;
      }
      offs[i + 1] = v.offsets[j];
    }
    col.data() = std::move(v.data);
  }
  if (j != v.count) return invalid_input("column " + leaf.name + " has more values than non-null rows");
  if (!any_null) bits.clear();
  col.set_length(num_rows);
  return ok_status();
}

struct NodeState {
  const FieldNode* node;
  Column* col;
  int first_leaf;
  std::vector<uint8_t> valid;
  int64_t length = 0;
};

class Assembler {
 public:
  Assembler(std::vector<LeafData>& leaves) : leaves_(leaves) {}

  int add(const FieldNode* node, Column* col) {
    int idx = static_cast<int>(states_.size());
    states_.push_back({node, col, -1, {}, 0});
    children_.emplace_back();
    if (node->kind == FieldNode::kLeaf) {
      states_[idx].first_leaf = node->leaf_index;
      leaf_states_.push_back(idx);
    } else {
      if (col->children().size() != node->children.size()) {
        col->children().clear();
        for (const auto& c : node->children) col->children().push_back(std::make_unique<Column>(c->type));
      }
      for (size_t i = 0; i < node->children.size(); ++i) {
        int c = add(node->children[i].get(), col->children()[i].get());
        children_[idx].push_back(c);
        parent_.resize(states_.size(), -1);
        parent_[c] = idx;
      }
      states_[idx].first_leaf = states_[children_[idx][0]].first_leaf;
    }
    parent_.resize(states_.size(), -1);
    return idx;
  }

  Status run(int64_t num_rows) {
    for (int leaf_state : leaf_states_) {
      std::vector<int> path;
      for (int s = leaf_state; s >= 0; s = parent_[s]) path.push_back(s);
      std::reverse(path.begin(), path.end());
      MORTAR_RETURN_IF_ERROR(walk_leaf(path));
    }
    for (NodeState& s : states_) {
      set_validity(*s.col, s.valid, s.length);
      s.col->set_length(s.length);
    }
    if (states_[0].length != num_rows) {
      return invalid_input("column " + states_[0].node->name + " assembles to " +
                           std::to_string(states_[0].length) + " rows, the row group has " +
                           std::to_string(num_rows));
    }
    return ok_status();
  }

 private:
  Status walk_leaf(const std::vector<int>& path) {
    const FieldNode& leaf = *states_[path.back()].node;
    LeafData& d = leaves_[leaf.leaf_index];
    NodeState& ls = states_[path.back()];
    Column& lcol = *ls.col;
    DenseValues& v = d.values;
    int w = v.width;
    int64_t j = 0;
    const size_t depth = path.size();
    for (int64_t i = 0; i < d.num_entries; ++i) {
      int16_t def = d.def.empty() ? leaf.max_def : d.def[i];
      int16_t rep = d.rep.empty() ? 0 : d.rep[i];
      for (size_t k = 0; k < depth; ++k) {
        NodeState& s = states_[path[k]];
        const FieldNode& n = *s.node;
        if (rep > n.rep_level) continue;
        if (def < n.exist_def) break;
        bool valid = def >= n.def_present;
        if (k > 0) {
          NodeState& p = states_[path[k - 1]];
          if ((p.node->kind == FieldNode::kList || p.node->kind == FieldNode::kMap) &&
              p.first_leaf == leaf.leaf_index) {
            p.col->offsets().back()++;
          }
        }
        if (n.kind == FieldNode::kLeaf) {
          s.valid.push_back(valid);
          ++s.length;
          if (valid) {
            if (j >= v.count) return invalid_input("column " + leaf.name + " has too few values");
            if (w) {
              auto& buf = lcol.values_buffer();
              buf.insert(buf.end(), v.values.data() + j * w, v.values.data() + (j + 1) * w);
            } else {
              auto& data = lcol.data();
              data.insert(data.end(), v.data.data() + v.offsets[j], v.data.data() + v.offsets[j + 1]);
              lcol.offsets().push_back(static_cast<int64_t>(data.size()));
            }
            ++j;
          } else if (w) {
            lcol.values_buffer().resize(lcol.values_buffer().size() + w, 0);
          } else {
            lcol.offsets().push_back(lcol.offsets().back());
          }
        } else if (s.first_leaf == leaf.leaf_index) {
          s.valid.push_back(valid);
          ++s.length;
          if (n.kind == FieldNode::kList || n.kind == FieldNode::kMap) {
            s.col->offsets().push_back(s.col->offsets().back());
          }
        }
        if (!valid && n.kind != FieldNode::kStruct) break;
      }
    }
    if (j != v.count) return invalid_input("column " + leaf.name + " has more values than its levels place");
    return ok_status();
  }

  std::vector<LeafData>& leaves_;
  std::vector<NodeState> states_;
  std::vector<std::vector<int>> children_;
  std::vector<int> parent_;
  std::vector<int> leaf_states_;
};

}  // namespace

StatusOr<std::unique_ptr<Column>> assemble_column(const FieldNode& field, std::vector<LeafData>& leaves,
                                                  int64_t num_rows) {
  auto col = std::make_unique<Column>(field.type);
  if (field.kind == FieldNode::kLeaf && field.max_rep == 0) {
    MORTAR_RETURN_IF_ERROR(assemble_flat(field, leaves[field.leaf_index], num_rows, *col));
    return col;
  }
  Assembler a(leaves);
  a.add(&field, col.get());
  MORTAR_RETURN_IF_ERROR(a.run(num_rows));
  return col;
}

}  // namespace mortar::formats::parquet
