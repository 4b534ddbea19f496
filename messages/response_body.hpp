// A response body as the registry's read paths produce it: shared, immutable
// pieces sent in order and never joined. A full registry fetch is made of
// the cached pieces of its applications (and, gzipped, of their separately
// deflated segments, codec/gzip_stream.hpp), so building it after a change
// copies pointers, not the document, and every connection sending it shares
// the same bytes.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace eureka {

/// One piece of bytes, shared between caches and the connections sending it.
using shared_body = std::shared_ptr<const std::string>;

class response_body {
public:
  response_body() = default;

  /// A body of one piece (none for a null or empty one).
  response_body(shared_body piece) { // NOLINT: implicit, as a body is mostly one piece
    if (piece && !piece->empty()) {
      size_ = piece->size();
      pieces_ = std::make_shared<const std::vector<shared_body>>(1, std::move(piece));
    }
  }

  /// A body of these pieces, in order (null and empty ones are left out).
  explicit response_body(std::vector<shared_body> pieces) {
    std::vector<shared_body> kept;
    kept.reserve(pieces.size());
    for (auto& p : pieces)
      if (p && !p->empty()) {
        size_ += p->size();
        kept.push_back(std::move(p));
      }
    if (!kept.empty())
      pieces_ = std::make_shared<const std::vector<shared_body>>(std::move(kept));
  }

  /// Bytes in all pieces.
  size_t size() const { return size_; }

  bool empty() const { return size_ == 0; }

  /// Whether this is the very same body (the same pieces object).
  bool same_as(const response_body& other) const { return pieces_ == other.pieces_; }

  const std::vector<shared_body>& pieces() const {
    static const std::vector<shared_body> none;
    return pieces_ ? *pieces_ : none;
  }

  /// The pieces joined into one string: a copy, for tests and callers that
  /// need contiguous bytes of a small body.
  std::string str() const {
    std::string out;
    out.reserve(size_);
    for (const auto& p : pieces())
      out += *p;
    return out;
  }

private:
  std::shared_ptr<const std::vector<shared_body>> pieces_;
  size_t size_ = 0;
};

} // namespace eureka
