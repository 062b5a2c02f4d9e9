// Plain HTTP request/response values shared by api/ (which interprets them)
// and http/ (which moves them over Beast). Header names are stored lower-case.
#pragma once

#include <map>
#include <string>

namespace mortar {

struct HttpRequest {
  std::string method;   // "POST"
  std::string target;   // "/" or "/path?query"
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string remote_address;

  const std::string* header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? nullptr : &it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::map<std::string, std::string> headers;
  std::string body;
};

}  // namespace mortar
