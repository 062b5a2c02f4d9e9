// CronExpression::parse(): field-by-field parsing with errors that name the
// field and the offending text.
#include <bitset>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/cron_expression.h"

namespace mortar::schedule {
namespace {

constexpr size_t kMaxTextLength = 256;
constexpr std::string_view kSyntax = "cron(Minutes Hours Day-of-month Month Day-of-week Year)";

constexpr const char* kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr const char* kWeekdayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

struct Field {
  const char* name;
  int min;
  int max;
  const char* const* names;  // names[i] spells min + i; nullptr if none
  bool cyclic;               // ranges may wrap (22-2); not for years
  int count() const { return max - min + 1; }
};

constexpr Field kMinutes{"Minutes", 0, 59, nullptr, true};
constexpr Field kHours{"Hours", 0, 23, nullptr, true};
constexpr Field kDayOfMonth{"Day-of-month", 1, 31, nullptr, true};
constexpr Field kMonth{"Month", 1, 12, kMonthNames, true};
constexpr Field kDayOfWeek{"Day-of-week", 1, 7, kWeekdayNames, true};
constexpr Field kYear{"Year", CronExpression::kMinYear, CronExpression::kMaxYear, nullptr, false};

// Bit (value - field.min) set for every value the field matches.
using ValueSet = std::bitset<CronExpression::kMaxYear - CronExpression::kMinYear + 1>;

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    parts.push_back(
        s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) return parts;
    start = pos + 1;
  }
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

// Friend of CronExpression: fills its private representation.
class CronParser {
 public:
  explicit CronParser(std::string_view text) : text_(text) {}

  StatusOr<CronExpression> parse() {
    std::string_view s = trim(text_);
    if (s.size() > kMaxTextLength) {
      return error("the expression is longer than " + std::to_string(kMaxTextLength) +
                   " characters");
    }
    if (starts_with_ci(s, "rate(")) {
      return error("rate() expressions are not supported for Glue schedules; use " +
                   std::string(kSyntax));
    }
    if (!starts_with_ci(s, "cron(")) return error("expected " + std::string(kSyntax));
    if (s.back() != ')') return error("missing the closing ')'");
    std::string_view inner = s.substr(5, s.size() - 6);
    if (inner.find_first_of("()") != std::string_view::npos)
      return error("unexpected parenthesis inside cron(...)");

    std::vector<std::string> fields;
    size_t i = 0;
    while (i < inner.size()) {
      while (i < inner.size() && is_space(inner[i])) ++i;
      size_t start = i;
      while (i < inner.size() && !is_space(inner[i])) ++i;
      if (i > start) {
        std::string field(inner.substr(start, i - start));
        for (char& c : field) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        fields.push_back(std::move(field));
      }
    }
    if (fields.size() != 6) {
      return error("expected 6 fields, " + std::string(kSyntax) + ", but found " +
                   std::to_string(fields.size()));
    }

    CronExpression cron;
    ValueSet set;
    MORTAR_ASSIGN_OR_RETURN(set, parse_list(kMinutes, fields[0]));
    cron.minutes_ = set.to_ullong();
    MORTAR_ASSIGN_OR_RETURN(set, parse_list(kHours, fields[1]));
    cron.hours_ = static_cast<uint32_t>(set.to_ullong());
    MORTAR_ASSIGN_OR_RETURN(set, parse_list(kMonth, fields[3]));
    cron.months_ = static_cast<uint16_t>(set.to_ullong() << 1);
    MORTAR_ASSIGN_OR_RETURN(cron.years_, parse_list(kYear, fields[5]));

    const bool dom_any = fields[2] == "?";
    const bool dow_any = fields[4] == "?";
    if (dom_any && dow_any) {
      return error("Day-of-month and Day-of-week cannot both be '?'; give a value in one of them");
    }
    if (!dom_any && !dow_any) {
      return error("Day-of-month (\"" + fields[2] + "\") and Day-of-week (\"" + fields[4] +
                   "\") cannot both be specified; use '?' in one of them");
    }
    if (fields[2].find('?') != std::string::npos && !dom_any) {
      return field_error(kDayOfMonth, fields[2], "'?' must be the whole field");
    }
    if (fields[4].find('?') != std::string::npos && !dow_any) {
      return field_error(kDayOfWeek, fields[4], "'?' must be the whole field");
    }
    cron.use_day_of_month_ = !dom_any;
    if (cron.use_day_of_month_) {
      MORTAR_RETURN_IF_ERROR(parse_day_of_month(fields[2], cron));
    } else {
      MORTAR_RETURN_IF_ERROR(parse_day_of_week(fields[4], cron));
    }

    cron.text_ = "cron(";
    for (size_t f = 0; f < fields.size(); ++f) {
      if (f > 0) cron.text_ += ' ';
      cron.text_ += fields[f];
    }
    cron.text_ += ')';
    return cron;
  }

 private:
  static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

  static std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
  }

  static bool starts_with_ci(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
    }
    return true;
  }

  Status error(const std::string& detail) const {
    return invalid_input("Invalid schedule expression \"" + std::string(text_) + "\": " + detail);
  }

  Status field_error(const Field& field, std::string_view token, const std::string& detail) const {
    return error(std::string(field.name) + " field \"" + std::string(token) + "\": " + detail);
  }

  std::string expected(const Field& field) const {
    std::string e = std::to_string(field.min) + "-" + std::to_string(field.max);
    if (field.names != nullptr) {
      e += " or " + std::string(field.names[0]) + "-" + field.names[field.count() - 1];
    }
    return e;
  }

  StatusOr<int> parse_value(const Field& field, std::string_view token,
                            std::string_view whole) const {
    if (all_digits(token)) {
      if (token.size() > 4)
        return field_error(field, whole,
                           "value " + std::string(token) + " is out of range " + expected(field));
      int v = std::stoi(std::string(token));
      if (v < field.min || v > field.max) {
        return field_error(field, whole,
                           "value " + std::to_string(v) + " is out of range " + expected(field));
      }
      return v;
    }
    if (field.names != nullptr) {
      for (int i = 0; i < field.count(); ++i) {
        if (token == field.names[i]) return field.min + i;
      }
    }
    if (token.empty()) return field_error(field, whole, "missing a value");
    return field_error(
        field, whole,
        "\"" + std::string(token) + "\" is not a valid value; expected " + expected(field));
  }

  // One list item: *, v, a-b, with an optional /step.
  Status parse_item(const Field& field, std::string_view item, std::string_view whole,
                    ValueSet& set) const {
    if (item.empty()) return field_error(field, whole, "empty list item");
    std::vector<std::string_view> slash = split(item, '/');
    if (slash.size() > 2)
      return field_error(field, whole, "more than one '/' in \"" + std::string(item) + "\"");
    std::string_view base = slash[0];
    int step = 1;
    if (slash.size() == 2) {
      std::string_view s = slash[1];
      if (!all_digits(s) || s.size() > 4) {
        return field_error(
            field, whole,
            "the increment after '/' must be a number, got \"" + std::string(s) + "\"");
      }
      step = std::stoi(std::string(s));
      if (step < 1 || step >= field.count()) {
        return field_error(field, whole,
                           "the increment " + std::to_string(step) + " must be between 1 and " +
                               std::to_string(field.count() - 1));
      }
    }
    int start = field.min;
    int end = field.max;
    if (base != "*") {
      std::vector<std::string_view> dash = split(base, '-');
      if (dash.size() > 2)
        return field_error(field, whole, "more than one '-' in \"" + std::string(item) + "\"");
      MORTAR_ASSIGN_OR_RETURN(start, parse_value(field, dash[0], whole));
      if (dash.size() == 2) {
        MORTAR_ASSIGN_OR_RETURN(end, parse_value(field, dash[1], whole));
        if (end < start && !field.cyclic) {
          return field_error(field, whole,
                             "the range start " + std::to_string(start) + " is after its end " +
                                 std::to_string(end));
        }
      } else if (slash.size() == 1) {
        end = start;  // a single value; "v/step" runs from v to the field's max
      }
    }
    // Walk from start to end (wrapping past max for cyclic ranges like 22-2).
    const int length = (end - start + field.count()) % field.count();
    for (int off = 0; off <= length; off += step) {
      set.set((start - field.min + off) % field.count());
    }
    return ok_status();
  }

  StatusOr<ValueSet> parse_list(const Field& field, std::string_view text) const {
    for (char c : text) {
      if (c == 'L' || c == 'W' || c == '#' || c == '?') {
        if (field.names != nullptr && std::isalpha(static_cast<unsigned char>(c)))
          continue;  // month names
        return field_error(
            field, text, std::string("'") + c + "' is not allowed in the " + field.name + " field");
      }
    }
    ValueSet set;
    for (std::string_view item : split(text, ',')) {
      MORTAR_RETURN_IF_ERROR(parse_item(field, item, text, set));
    }
    return set;
  }

  Status parse_day_of_month(const std::string& text, CronExpression& cron) const {
    if (text == "L") {
      cron.last_day_ = true;
      return ok_status();
    }
    if (text == "LW") {
      cron.last_weekday_ = true;
      return ok_status();
    }
    if (text.find('L') != std::string::npos) {
      return field_error(kDayOfMonth, text,
                         "'L' must be used alone (L, or LW for the last weekday)");
    }
    if (text.size() >= 2 && text.back() == 'W') {
      std::string_view day(text.data(), text.size() - 1);
      if (!all_digits(day)) {
        return field_error(kDayOfMonth, text, "'W' must follow a single day number, as in 15W");
      }
      MORTAR_ASSIGN_OR_RETURN(cron.nearest_weekday_to_, parse_value(kDayOfMonth, day, text));
      return ok_status();
    }
    if (text.find('W') != std::string::npos) {
      return field_error(kDayOfMonth, text, "'W' must follow a single day number, as in 15W");
    }
    ValueSet set;
    MORTAR_ASSIGN_OR_RETURN(set, parse_list(kDayOfMonth, text));
    cron.days_ = static_cast<uint32_t>(set.to_ullong() << 1);
    return ok_status();
  }

  Status parse_day_of_week(const std::string& text, CronExpression& cron) const {
    if (text == "L") {  // the last day of the week: Saturday
      cron.weekdays_ = 1u << 7;
      return ok_status();
    }
    size_t hash = text.find('#');
    if (hash != std::string::npos) {
      if (text.find_first_of(",-/") != std::string::npos) {
        return field_error(kDayOfWeek, text,
                           "'#' allows only one expression, as in 3#2 (the second Tuesday)");
      }
      MORTAR_ASSIGN_OR_RETURN(
          cron.nth_weekday_, parse_value(kDayOfWeek, std::string_view(text).substr(0, hash), text));
      std::string_view nth = std::string_view(text).substr(hash + 1);
      if (!all_digits(nth) || nth.size() > 1 || nth[0] < '1' || nth[0] > '5') {
        return field_error(kDayOfWeek, text,
                           "the occurrence after '#' must be a number from 1 to 5");
      }
      cron.nth_occurrence_ = nth[0] - '0';
      return ok_status();
    }
    if (text.size() >= 2 && text.back() == 'L') {
      std::string_view day(text.data(), text.size() - 1);
      if (day.find_first_of(",-/*") != std::string_view::npos) {
        return field_error(kDayOfWeek, text,
                           "'L' must follow a single weekday, as in 6L (the last Friday)");
      }
      MORTAR_ASSIGN_OR_RETURN(cron.last_of_weekday_, parse_value(kDayOfWeek, day, text));
      return ok_status();
    }
    ValueSet set;
    MORTAR_ASSIGN_OR_RETURN(set, parse_list(kDayOfWeek, text));
    cron.weekdays_ = static_cast<uint8_t>(set.to_ullong() << 1);
    return ok_status();
  }

  std::string_view text_;
};

StatusOr<CronExpression> CronExpression::parse(std::string_view text) {
  return CronParser(text).parse();
}

}  // namespace mortar::schedule
