// Internal: a replica of XStream's PrettyPrintWriter state machine (quirks
// mode, two-space indent, "\n" line ends), able to start at a given depth so
// that pre-encoded fragments splice into a larger document byte-for-byte.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "codec/text.hpp"

namespace eureka::codec::detail {

class pretty_writer {
public:
  /// Writes into `out`; the first start tag is indented by `depth` levels.
  pretty_writer(std::string& out, int depth) : out_(out), depth_(depth < 0 ? 0 : depth) {
    out_.append(static_cast<size_t>(depth_) * 2, ' ');
  }

  /// startNode: `name` goes through the XStream name coder.
  void start(std::string_view name) {
    tag_is_empty_ = false;
    finish_tag();
    auto encoded = encode_xml_name(name);
    out_ += '<';
    out_ += encoded;
    stack_.push_back(std::move(encoded));
    tag_in_progress_ = true;
    ++depth_;
    ready_for_new_line_ = true;
    tag_is_empty_ = true;
  }

  /// addAttribute (only fixed ASCII names are used).
  void attribute(std::string_view name, std::string_view value) {
    out_ += ' ';
    out_ += name;
    out_ += "=\"";
    append_xml_text(out_, value);
    out_ += '"';
  }

  /// setValue.
  void value(std::string_view text) {
    ready_for_new_line_ = false;
    tag_is_empty_ = false;
    finish_tag();
    append_xml_text(out_, text);
  }

  /// endNode.
  void end() {
    --depth_;
    if (tag_is_empty_) {
      out_ += '/';
      ready_for_new_line_ = false;
      finish_tag();
      stack_.pop_back();
    } else {
      finish_tag();
      out_ += "</";
      out_ += stack_.back();
      out_ += '>';
      stack_.pop_back();
    }
    ready_for_new_line_ = true;
  }

private:
  void finish_tag() {
    if (tag_in_progress_)
      out_ += '>';
    tag_in_progress_ = false;
    if (ready_for_new_line_) {
      out_ += '\n';
      out_.append(static_cast<size_t>(depth_) * 2, ' ');
    }
    ready_for_new_line_ = false;
    tag_is_empty_ = false;
  }

  std::string& out_;
  std::vector<std::string> stack_;
  int depth_;
  bool tag_in_progress_ = false;
  bool ready_for_new_line_ = false;
  bool tag_is_empty_ = false;
};

} // namespace eureka::codec::detail
