// Wire codecs for InstanceInfo and the Application/Applications documents,
// byte-for-byte as the Java server writes them (contract §2.2, §2.4, §2.6,
// §2.7) and as leniently as it reads them (§2.3, §2.6).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "registry/compact_instance.hpp"
#include "registry/instance_info.hpp"

namespace eureka::codec {

// -- JSON output (Jackson, compact, exact field order) -------------------------

/// Appends the unwrapped instance object `{"instanceId":...}`.
void append_instance_json(std::string& out, const instance_info& x);

/// The same with `lease` as its leaseInfo (a registry record's timing,
/// without copying the instance).
void append_instance_json(std::string& out, const instance_info& x, const lease_info& lease);

/// The same from a lease's stored record (same bytes as from the
/// instance_info it was built from).
void append_instance_json(std::string& out, const compact_instance& x, const lease_info& lease);

/// `{"instance":{...}}`, the body of GET apps/{app}/{id} and instances/{id}.
std::string instance_document_json(const instance_info& x);

// -- compact ("mini") output, X-Eureka-Accept: compact (contract §2.5) -------
//
// The Java server's JacksonJsonMini / JacksonXmlMini codecs (Jackson with
// MiniInstanceInfoMixIn), as observed against the Spring Cloud server:
// instanceId (raw field, omitted when absent), app, ipAddr, vipAddress,
// secureVipAddress, dataCenterInfo (Amazon metadata reduced to instance-id,
// public-ipv4, public-hostname, local-ipv4, availability-zone), hostName,
// status, lastUpdatedTimestamp (a number), actionType, asgName, port,
// securePort. No sid, overriddenStatus, countryId, URLs, lease, metadata,
// isCoordinatingDiscoveryServer or lastDirtyTimestamp.

/// Appends the unwrapped compact instance object (Jackson JSON).
void append_instance_json_compact(std::string& out, const instance_info& x);
void append_instance_json_compact(std::string& out, const compact_instance& x);

/// Appends the compact `<instance>...</instance>` (Jackson XML: one line, no
/// indentation, so the same bytes serve every depth).
void append_instance_xml_compact(std::string& out, const instance_info& x);
void append_instance_xml_compact(std::string& out, const compact_instance& x);

// -- XML output (XStream, pretty-printed, two-space indent, no declaration) ----

/// Appends `<instance>...</instance>` with its opening tag indented by
/// `depth` levels (2 spaces each) and every nested line indented accordingly.
/// Nothing precedes the first `<` beyond the indentation; no trailing newline.
void append_instance_xml(std::string& out, const instance_info& x, int depth);

/// The same with `lease` as its leaseInfo.
void append_instance_xml(std::string& out, const instance_info& x, const lease_info& lease,
                         int depth);
void append_instance_xml(std::string& out, const compact_instance& x, const lease_info& lease,
                         int depth);

/// `<instance>...</instance>` at depth 0. Statuses are written as they are:
/// the Java server's V1AwareInstanceInfoConverter, which shows OUT_OF_SERVICE
/// and UNKNOWN as DOWN on single-instance XML reads (contract §2.6,
/// inferred), is left to the caller (copy the instance and set DOWN).
std::string instance_document_xml(const instance_info& x);

// -- input --------------------------------------------------------------------

struct decode_result {
  bool ok = false;
  /// Why decoding failed (for logs; the HTTP answer is contract §1.6's).
  std::string error;
  instance_info info;
};

/// Decodes a registration body `{"instance":{...}}` (an unwrapped object is
/// accepted too). Absent `lastUpdatedTimestamp`/`lastDirtyTimestamp` default to
/// `now_ms` (Java's InstanceInfo constructor); `app` and `appGroupName` are
/// upper-cased. An absent `dataCenterInfo` leaves `data_center.present` false.
/// Spring's rule applies: no `instanceId` but a non-blank metadata `instanceId`
/// -> `<hostName>:<that>` (append_instance_json applies it on output as well).
/// More lenient than Java (which answers 400): `dataCenterInfo` without or with
/// an unknown `@class` (decided by `name`), unknown keys in a port object, a
/// bare number as port, null metadata values (skipped). Never throws; any
/// malformed body (syntax, UTF-8, depth, wrong types, out-of-range numbers, no
/// `app`) gives ok == false.
decode_result decode_instance_json(std::string_view body, int64_t now_ms);

/// Decodes an XML registration body rooted at `<instance>` (XStream rules:
/// statuses case-insensitive, metadata names decoded, `appGroupName` verbatim,
/// unparseable auto fields and lease values ignored, bad port/countryId fail).
/// Never throws.
decode_result decode_instance_xml(std::string_view body, int64_t now_ms);

/// Contract §1.5 E4 validation, in order; returns the exact 400 reason, or an
/// empty string when the registration is acceptable. `path_app` is upper case.
/// "Blank" means empty, as in ApplicationResource.isBlank. Back-fills a missing
/// Amazon `instance-id` from getId() as the Java server does with
/// `registration.validation.dataCenterInfoId` off (our behaviour). Then,
/// unlike Java: refuses a text field longer than its limit (max_*_bytes in
/// registry/instance_info.hpp; "<field> too long: N bytes (at most M)"), then
/// any text field holding a character XML 1.0 cannot carry (C0 controls but
/// tab/LF/CR, U+FFFE, U+FFFF): Java writes `&#x7;`, which breaks every XML
/// read of the registry (Prometheus, fargo, Python); then holds the Amazon
/// `dataCenterInfo` metadata and the metadata to validate_metadata's rules.
std::string validate_registration(instance_info& x, std::string_view path_app);

/// Metadata checks shared by registration and PUT .../metadata: entry count,
/// total size, keys that encode to valid XML element names (a key such
/// as "a b" would otherwise break every XML read of the registry) and values
/// XML can carry (as above). Returns the 400 reason or "".
std::string validate_metadata(const string_pairs& entries);

} // namespace eureka::codec
