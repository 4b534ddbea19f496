"""Seeded generator of hostile HTTP requests for hostile_clients.py (step generated_abuse).

generate(rng, total, targets) returns Case objects, each of one category: the bytes to send (or a
slow schedule of pieces), and what the node must answer. Every case is one the node must refuse: a
4xx, a 503, or closing the connection; `extra_ok` lists the few other statuses the HTTP RFCs ask for
(501 for an unknown transfer coding). Requests that carry a write are built so that accepting them
would show: framing attacks carry a valid registration of a new instance (HOSTILE/hostile-N), and
requests against the registered instances (the node's `targets`) are destructive requests made
malformed — a 2xx, or any change of the registry, is then a finding.

Python 3 standard library only.
"""

import gzip
import json
import time
import urllib.parse
import zlib

CATEGORIES = [
    "request_line",      # malformed request lines (garbage, HTTP/0.9, bad versions, bare CR, NUL)
    "framing",           # Content-Length/Transfer-Encoding conflicts, bad Host, bad header syntax
    "chunking",          # malformed chunked bodies
    "huge_headers",      # request line + headers beyond max-header-bytes
    "huge_bodies",       # bodies beyond max-body-bytes, fields and metadata beyond their limits
    "gzip_bomb",         # gzip bodies inflating beyond max-body-bytes, broken gzip, other codings
    "deep_json",         # JSON nested beyond the parser's depth
    "deep_xml",          # XML nested 10^3..10^5 deep (the XML reader has no depth limit)
    "entity_expansion",  # DOCTYPEs with billion laughs, external entities, parameter entities
    "invalid_utf8",      # bytes that are not UTF-8 in bodies, paths, query values, header names
    "control_chars",     # control characters and CRLF in names, ids, metadata, headers
    "bad_values",        # invalid status values, timestamps, content types, media, paths, methods
    "admin_unauthorised",  # admin actions on the registered instances without credentials
    "slow",              # requests that stop before their end (cut by the request timeout: 408)
    "pipelined",         # several refused writes on one connection, answers read afterwards
    "never_read",        # pipelined requests whose answers are never read (cut by the send rate)
]

HOST = b"Host: 127.0.0.1\r\n"
DC = {"@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo", "name": "MyOwn"}
DC_XML = ('<dataCenterInfo class="com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo">'
          '<name>MyOwn</name></dataCenterInfo>')


class Case:
    def __init__(self, category, what, data=None, pieces=None, extra_ok=(), pipelined=0,
                 never_read=False):
        self.category = category
        self.what = what          # short description of the variant
        self.data = data          # bytes sent at once
        self.pieces = pieces      # or [(bytes, seconds to wait after; None: until answered)]
        self.extra_ok = set(extra_ok)
        self.pipelined = pipelined  # number of requests in `data` (answers read after sending all)
        self.never_read = never_read
        self.number = None

    @property
    def slow(self):
        return self.pieces is not None

    def wire(self):
        if self.data is not None:
            return self.data
        return b"".join(p for p, _ in self.pieces)


class Targets:
    """The registered instances hostile requests aim at: [(app as in a path, id)]."""

    def __init__(self, instances):
        self.instances = instances

    def pick(self, rng):
        return rng.choice(self.instances)


# -- building blocks -------------------------------------------------------------------------


def b(s):
    return s.encode("utf-8", "surrogateescape") if isinstance(s, str) else s


def request(method, target, headers=(), body=b"", version="HTTP/1.1", host=True,
            content_length=True):
    head = b"%s %s %s\r\n" % (b(method), b(target), b(version))
    if host:
        head += HOST
    for h in headers:
        head += b(h) + b"\r\n"
    body = b(body)
    if content_length and (body or method in ("POST", "PUT")):
        head += b"Content-Length: %d\r\n" % len(body)
    return head + b"\r\n" + body


def q(s):
    return urllib.parse.quote(s, safe="")


def instance_json(app, iid, **fields):
    inst = {"instanceId": iid, "hostName": "host-" + iid, "app": app, "ipAddr": "10.9.9.9",
            "status": "UP", "port": {"$": 8080, "@enabled": "true"}, "dataCenterInfo": DC,
            "metadata": {"role": "hostile"}}
    inst.update(fields)
    return {"instance": inst}


def json_body(doc):
    return json.dumps(doc).encode()


def instance_xml(app, iid, extra="", dc=DC_XML, metadata="<role>hostile</role>"):
    return ("<instance><instanceId>%s</instanceId><hostName>host-%s</hostName><app>%s</app>"
            "<ipAddr>10.9.9.9</ipAddr><status>UP</status><port enabled=\"true\">8080</port>"
            "%s<metadata>%s</metadata>%s</instance>" % (iid, iid, app, dc, metadata, extra))


def valid_registration(n, xml=False):
    """A registration the node would accept: of a new instance, so accepting it shows."""
    iid = "hostile-%d" % n
    if xml:
        return "/eureka/apps/HOSTILE", "application/xml", instance_xml("HOSTILE", iid).encode()
    return "/eureka/apps/HOSTILE", "application/json", json_body(instance_json("HOSTILE", iid))


def chunked(body, size):
    out = b""
    for i in range(0, len(body), size):
        piece = body[i:i + size]
        out += b"%x\r\n%s\r\n" % (len(piece), piece)
    return out + b"0\r\n\r\n"


_BOMB_CACHE = {}


def bomb(megabytes, fill=b"\0"):
    key = (megabytes, fill)
    if key not in _BOMB_CACHE:
        c = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip wrapper
        block = fill * (1 << 20)
        out = [c.compress(block) for _ in range(megabytes)]
        out.append(c.flush())
        _BOMB_CACHE[key] = b"".join(out)
    return _BOMB_CACHE[key]


def control_char(rng):
    """A character XML 1.0 cannot carry (C0 other than tab, LF, CR)."""
    return chr(rng.choice([c for c in range(0x20) if c not in (9, 10, 13)]))


BAD_UTF8 = [b"\xff", b"\xfe", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xed\xbf\xbf",
            b"\xf8\x88\x80\x80\x80", b"\xe2\x82", b"\x80", b"\xf4\x90\x80\x80", b"\xef\xbf\xbe"]


# -- the categories -------------------------------------------------------------------------
# Each generator returns one Case for case number n.


def gen_request_line(rng, n, t):
    app, iid = t.pick(rng)
    target = "/eureka/apps/%s/%s" % (app, iid)
    variants = [
        ("garbage", lambda: bytes(rng.randrange(1, 256) for _ in range(rng.randrange(1, 200)))
         .replace(b"\r\n\r\n", b"") + b"\r\n\r\n"),
        ("http/0.9", lambda: b"DELETE %s\r\n\r\n" % b(target)),
        ("no version", lambda: b"DELETE %s \r\n" % b(target) + HOST + b"\r\n"),
        ("bad version", lambda: b"DELETE %s %s\r\n" % (b(target), b(rng.choice(
            ["HTTP/9.9", "HTTP/1.10", "FTP/1.1", "HTTP/1", "HTTP/", "http/1.1", "HTTP/1.1.1",
             "HTTP/01.1", "HTTP/2.0", "HTTP/3"]))) + HOST + b"\r\n"),
        ("extra token", lambda: b"DELETE %s HTTP/1.1 x\r\n" % b(target) + HOST + b"\r\n"),
        ("double space", lambda: b"DELETE  %s  HTTP/1.1\r\n" % b(target) + HOST + b"\r\n"),
        ("bare CR", lambda: b"DELETE %s\rHTTP/1.1\r\n" % b(target) + HOST + b"\r\n"),
        ("NUL in method", lambda: b"DEL\0ETE %s HTTP/1.1\r\n" % b(target) + HOST + b"\r\n"),
        ("NUL in target", lambda: b"DELETE %s\0 HTTP/1.1\r\n" % b(target) + HOST + b"\r\n"),
        ("control in target", lambda: b"DELETE %s%s HTTP/1.1\r\n" % (
            b(target), b(control_char(rng))) + HOST + b"\r\n"),
        ("no target", lambda: b"DELETE HTTP/1.1\r\n" + HOST + b"\r\n"),
        ("empty line only", lambda: b"\r\n" * rng.randrange(1, 4) + b"\0\r\n\r\n"),
        ("method 8k", lambda: b"D" * rng.randrange(8000, 15000) + b" / HTTP/1.1\r\n" + HOST + b"\r\n"),
        ("high bytes in method", lambda: b"DEL\xc3\xa9TE %s HTTP/1.1\r\n" % b(target) + HOST + b"\r\n"),
        ("space before line", lambda: b" DELETE %s HTTP/1.1\r\n" % b(target) + HOST + b"\r\n"),
        ("target not origin-form", lambda: b"DELETE eureka/apps/%s/%s HTTP/1.1\r\n" % (
            b(app), b(iid)) + HOST + b"\r\n"),
    ]
    what, make = rng.choice(variants)
    return Case("request_line", what, make())


def gen_framing(rng, n, t):
    path, ctype, body = valid_registration(n, xml=rng.random() < 0.3)
    head = b"POST %s HTTP/1.1\r\n" % b(path) + HOST + b"Content-Type: %s\r\n" % b(ctype)
    cb = chunked(body, rng.choice([7, 64, 4096]))
    n_ = len(body)
    variants = [
        ("CL and TE", lambda: head + b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n" % n_ + cb, ()),
        ("TE and CL", lambda: head + b"Transfer-Encoding: chunked\r\nContent-Length: %d\r\n\r\n" % len(cb) + cb, ()),
        ("two different CL", lambda: head + b"Content-Length: %d\r\nContent-Length: %d\r\n\r\n" % (
            n_, n_ + 5) + body + b"xxxxx", ()),
        ("CL list", lambda: head + b"Content-Length: %d, %d\r\n\r\n" % (n_, n_ + 1) + body + b"x", ()),
        ("CL malformed", lambda: head + b"Content-Length: %s\r\n\r\n" % b(rng.choice(
            ["+%d" % n_, "-1", "0x%x" % n_, "%d abc" % n_, "1 %d" % n_, "99999999999999999999999",
             "", "%de0" % n_, "\t"])) + body, ()),
        ("TE chunked twice", lambda: head + b"Transfer-Encoding: chunked, chunked\r\n\r\n" + cb, ()),
        ("TE fields twice", lambda: head + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n" + cb, ()),
        ("TE gzip,chunked", lambda: head + b"Transfer-Encoding: gzip, chunked\r\n\r\n" + chunked(gzip.compress(body), 100), (501,)),
        ("TE not chunked", lambda: head + b"Transfer-Encoding: %s\r\n\r\n" % b(rng.choice(
            ["gzip", "identity", "xchunked", "chunked-x", "deflate", "chunked;x=1, identity"])) + cb, ()),
        ("TE empty", lambda: head + b"Transfer-Encoding: \r\n\r\n" + cb, ()),
        ("TE in HTTP/1.0", lambda: head.replace(b"HTTP/1.1", b"HTTP/1.0") + b"Transfer-Encoding: chunked\r\n\r\n" + cb, ()),
        ("TE obs-fold", lambda: head + b"Transfer-Encoding:\r\n chunked\r\n\r\n" + cb, ()),
        ("TE with space before colon", lambda: head + b"Transfer-Encoding : chunked\r\nContent-Length: %d\r\n\r\n" % n_ + body, ()),
        ("CL with space before colon", lambda: head + b"Content-Length : %d\r\n\r\n" % n_ + body, ()),
        ("no Host", lambda: head.replace(HOST, b"") + b"Content-Length: %d\r\n\r\n" % n_ + body, ()),
        ("two Hosts", lambda: head + HOST + b"Content-Length: %d\r\n\r\n" % n_ + body, ()),
        ("bad Host", lambda: head.replace(HOST, b"Host: %s\r\n" % b(rng.choice(
            ["a b", "evil.example/x", "user@evil", "a\"b", "<x>", "a\\b", "{}", "a|b"]))) +
         b"Content-Length: %d\r\n\r\n" % n_ + body, ()),
        ("header without colon", lambda: head + b"X-Broken header\r\nContent-Length: %d\r\n\r\n" % n_ + body, ()),
        ("header name not a token", lambda: head + b"X(Bad)@: 1\r\nContent-Length: %d\r\n\r\n" % n_ + body, ()),
        ("obs-fold first line", lambda: head + b" folded: 1\r\nContent-Length: %d\r\n\r\n" % n_ + body, ()),
        ("CL shorter than body", lambda: head + b"Content-Length: %d\r\n\r\n" % (n_ // 2) + body, ()),
    ]
    what, make, extra = rng.choice(variants)
    return Case("framing", what, make(), extra_ok=extra)


def gen_chunking(rng, n, t):
    path, ctype, body = valid_registration(n, xml=rng.random() < 0.3)
    head = (b"POST %s HTTP/1.1\r\n" % b(path) + HOST + b"Content-Type: %s\r\n" % b(ctype) +
            b"Transfer-Encoding: chunked\r\n\r\n")
    half = len(body) // 2
    a, z = body[:half], body[half:]
    variants = [
        ("size not hex", lambda: b"%s\r\n%s\r\n" % (b(rng.choice(["zz", "g1", "1g", "0x10", "-5", "+5", "5.0", " 5", "\x005"])), a)),
        ("size overflow", lambda: b"%s\r\n%s\r\n" % (b"f" * rng.randrange(17, 40), a)),
        ("data longer than size", lambda: b"%x\r\n%s\r\n" % (max(1, len(a) - 5), a)),
        ("data shorter than size", lambda: b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (len(a) + 9, a, len(z), z)),
        ("missing CRLF after data", lambda: b"%x\r\n%s%x\r\n%s\r\n0\r\n\r\n" % (len(a), a, len(z), z)),
        ("bare CR after size", lambda: b"%x\r%s\r\n" % (len(a), a)),
        ("huge extension", lambda: b"%x;%s=%s\r\n%s\r\n" % (len(a), b"e" * 10, b"v" * rng.randrange(17000, 40000), a)),
        ("extensions beyond header bytes", lambda: b"".join(
            b"1;ext=%s\r\n%s\r\n" % (b"x" * 200, body[i:i + 1]) for i in range(min(len(body), 120)))),
        ("many tiny chunks", lambda: chunked((body + b" " * 6000)[:max(len(body), 6000)], 1)),
        ("huge trailer", lambda: b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\nX-Trailer: %s\r\n\r\n" % (
            len(a), a, len(z), z, b"t" * rng.randrange(17000, 30000))),
        ("trailer without colon", lambda: b"%x\r\n%s\r\n0\r\nbroken trailer\r\n\r\n" % (len(body), body)),
        ("chunk then garbage", lambda: b"%x\r\n%s\r\n%s" % (len(a), a, bytes(rng.randrange(0, 256) for _ in range(40)) + b"\r\n\r\n")),
        ("negative last chunk", lambda: b"%x\r\n%s\r\n-0\r\n\r\n" % (len(body), body)),
    ]
    what, make = rng.choice(variants)
    return Case("chunking", what, head + make())


def gen_huge_headers(rng, n, t):
    app, iid = t.pick(rng)
    target = "/eureka/apps/%s/%s" % (app, iid)
    method = rng.choice(["DELETE", "GET", "PUT"])
    size = rng.choice([17 * 1024, 24 * 1024, 64 * 1024, 512 * 1024])
    variants = [
        ("one long value", lambda: request(method, target, ["X-Long: " + "v" * size])),
        ("many headers", lambda: request(method, target, ["X-H%d: %s" % (i, "v" * 60) for i in range(size // 70)])),
        ("long name", lambda: request(method, target, ["X" * size + ": 1"])),
        ("long target", lambda: request(method, target + "?x=" + "q" * size)),
        ("long cookie", lambda: request(method, target, ["Cookie: " + "; ".join("c%d=%s" % (i, "z" * 30) for i in range(size // 36))])),
        ("long registration header", lambda: request("POST", valid_registration(n)[0], [
            "Content-Type: application/json", "X-Pad: " + "p" * size], valid_registration(n)[2])),
        ("header line without end", lambda: b"%s %s HTTP/1.1\r\n" % (b(method), b(target)) + HOST + b"X-Endless: " + b"e" * size),
    ]
    what, make = rng.choice(variants)
    return Case("huge_headers", "%s (%d KiB, %s)" % (what, size // 1024, method), make())


def gen_huge_bodies(rng, n, t):
    app, iid = t.pick(rng)
    variants = [
        ("CL beyond limit, body sent", lambda: request("POST", "/eureka/apps/HOSTILE", ["Content-Type: application/json"],
                                                       json_body(instance_json("HOSTILE", "hostile-%d" % n, metadata={"pad": "p" * rng.randrange(1 << 20, 3 << 20)})))),
        ("CL 10^12, nothing sent", lambda: b"POST /eureka/apps/HOSTILE HTTP/1.1\r\n" + HOST + b"Content-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n"),
        ("CL beyond limit on a cancel", lambda: b"DELETE /eureka/apps/%s/%s HTTP/1.1\r\n" % (b(app), b(q(iid))) + HOST + b"Content-Length: %d\r\n\r\n" % (2 << 20) + b"x" * (2 << 20)),
        ("chunked beyond limit", lambda: b"POST /eureka/apps/HOSTILE HTTP/1.1\r\n" + HOST + b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(b"[" * ((1 << 20) + 4096), 65536)),
        ("metadata beyond 256 KiB", lambda: request("POST", "/eureka/apps/%s" % app, ["Content-Type: application/json"],
                                                    json_body(instance_json(app, iid, metadata={"k%d" % i: "v" * 1000 for i in range(300)})))),
        ("metadata beyond 1024 entries", lambda: request("POST", "/eureka/apps/%s" % app, ["Content-Type: application/json"],
                                                         json_body(instance_json(app, iid, metadata={"k%d" % i: "v" for i in range(1100)})))),
        ("instanceId beyond 1024 bytes", lambda: request("POST", "/eureka/apps/HOSTILE", ["Content-Type: application/json"],
                                                         json_body(instance_json("HOSTILE", "i" * rng.randrange(1025, 50000))))),
        ("app beyond 256 bytes", lambda: (lambda a: request("POST", "/eureka/apps/" + a, ["Content-Type: application/json"],
                                                            json_body(instance_json(a, "hostile-%d" % n))))("A" * rng.randrange(257, 4000))),
        ("hostName beyond 255 bytes", lambda: request("POST", "/eureka/apps/%s" % app, ["Content-Type: application/json"],
                                                      json_body(instance_json(app, iid, hostName="h" * 300)))),
        ("id path beyond 1024 bytes", lambda: request(rng.choice(["PUT", "DELETE", "GET"]), "/eureka/apps/%s/%s" % (app, "i" * 1100))),
        ("replication batch beyond 1000 items", lambda: request("POST", "/eureka/peerreplication/batch", ["Content-Type: application/json"],
                                                                json_body({"replicationList": [{"appName": app, "id": iid, "action": "Cancel"}] * 1001}))),
        ("XML metadata beyond 1024 entries", lambda: request("POST", "/eureka/apps/%s" % app, ["Content-Type: application/xml"],
                                                             instance_xml(app, iid, metadata="".join("<k%d>v</k%d>" % (i, i) for i in range(1100))))),
    ]
    what, make = rng.choice(variants)
    return Case("huge_bodies", what, make())


def gen_gzip_bomb(rng, n, t):
    app, iid = t.pick(rng)
    reg_path, _, reg = valid_registration(n)

    def post(path, body, coding="gzip", ctype="application/json"):
        return request("POST", path, ["Content-Type: " + ctype, "Content-Encoding: " + coding], body)

    big_meta = json_body(instance_json("HOSTILE", "hostile-%d" % n, metadata={"pad": "a" * (3 << 20)}))
    variants = [
        ("zeros 64 MiB", lambda: post(reg_path, bomb(64))),
        ("zeros 16 MiB", lambda: post(reg_path, bomb(16))),
        ("spaces 32 MiB into JSON", lambda: post(reg_path, bomb(32, b" "))),
        ("registration with 3 MiB of metadata", lambda: post(reg_path, gzip.compress(big_meta, 9))),
        ("existing instance with 3 MiB of metadata", lambda: post("/eureka/apps/" + app, gzip.compress(
            json_body(instance_json(app, iid, metadata={"pad": "a" * (3 << 20)})), 9))),
        ("gzip of gzip", lambda: post(reg_path, gzip.compress(gzip.compress(reg)))),
        ("truncated gzip", lambda: post(reg_path, gzip.compress(reg)[:-rng.randrange(1, 12)])),
        ("corrupt gzip", lambda: post(reg_path, (lambda g: g[:20] + bytes(x ^ 0x5a for x in g[20:40]) + g[40:])(gzip.compress(reg)))),
        ("not gzip at all", lambda: post(reg_path, reg)),
        ("bomb to peerreplication/batch", lambda: post("/eureka/peerreplication/batch", bomb(32))),
        ("bomb as XML", lambda: post(reg_path, bomb(16, b"<"), ctype="application/xml")),
        ("other coding", lambda: post(reg_path, gzip.compress(reg), coding=rng.choice(["deflate", "br", "compress", "gzip, gzip", "zstd", "x-bomb"]))),
    ]
    what, make = rng.choice(variants)
    return Case("gzip_bomb", what, make())


def gen_deep_json(rng, n, t):
    app, iid = t.pick(rng)
    depth = rng.choice([1100, 5000, 50000, 200000, 400000])
    reg = instance_json("HOSTILE", "hostile-%d" % n)
    inner = json.dumps(reg["instance"])[1:-1]
    variants = [
        ("arrays as instance", lambda: b'{"instance":' + b"[" * depth + b"]" * depth + b"}"),
        ("objects in metadata", lambda: ('{"instance":{%s,"metadata":{"a":%s1%s}}}' % (
            inner.replace('"metadata": {"role": "hostile"}', '"x": 1'), '{"a":' * depth, "}" * depth)).encode()),
        ("unknown field nested", lambda: ('{"instance":{%s,"deep":%s%s}}' % (inner, "[" * depth, "]" * depth)).encode()),
        ("unclosed", lambda: b'{"instance":' + b"[" * depth),
        ("existing instance, deep dataCenterInfo", lambda: ('{"instance":{"instanceId":"%s","app":"%s","hostName":"h","ipAddr":"1.2.3.4","dataCenterInfo":%s1%s}}' % (
            iid, app, '{"a":' * depth, "}" * depth)).encode()),
    ]
    what, make = rng.choice(variants)
    body = make()
    if rng.random() < 0.2:
        path, body = "/eureka/peerreplication/batch", b'{"replicationList":' + b"[" * depth + b"]" * depth + b"}"
        what = "replication batch"
    else:
        path = "/eureka/apps/HOSTILE" if "existing" not in what else "/eureka/apps/" + app
    return Case("deep_json", "%s (depth %d)" % (what, depth),
                request("POST", path, ["Content-Type: application/json"], body))


def gen_deep_xml(rng, n, t):
    app, iid = t.pick(rng)
    depth = rng.choice([1000, 10000, 50000, 100000])
    variants = [
        # A registration of an existing instance without dataCenterInfo, 'deep' nested inside:
        # the whole document is parsed before the missing element is noticed.
        ("deep inside, no dataCenterInfo", lambda: instance_xml(app, iid, extra="<a>" * depth + "</a>" * depth, dc="")),
        ("deep as root", lambda: "<a>" * depth + "</a>" * depth),
        ("unclosed", lambda: "<instance>" + "<a>" * depth),
        ("deep metadata value, no dataCenterInfo", lambda: instance_xml(app, iid, dc="", metadata="<k>" + "<a>" * depth + "</a>" * depth + "</k>")),
        ("deep attributes", lambda: "<instance>" + "<a x='1' y='2'>" * (depth // 4) + "</a>" * (depth // 4) + "</instance>"),
    ]
    what, make = rng.choice(variants)
    path = "/eureka/apps/" + app if "inside" in what or "metadata" in what else "/eureka/apps/HOSTILE"
    return Case("deep_xml", "%s (depth %d)" % (what, depth),
                request("POST", path, ["Content-Type: application/xml"], make()))


def gen_entity_expansion(rng, n, t):
    """Every document names its dataCenterInfo only through an entity: a node that expanded
    entities would accept the registration (2xx), one that does not answers 400."""
    app, iid = rng.choice([("HOSTILE", "hostile-%d" % n), t.pick(rng)])
    lol = ['<!ENTITY lol0 "lol">'] + ['<!ENTITY lol%d "%s">' % (i, ("&lol%d;" % (i - 1)) * 10) for i in range(1, 10)]
    variants = [
        ("billion laughs", "<!DOCTYPE instance [%s<!ENTITY dc '%s'>]>" % ("".join(lol), DC_XML.replace('"', "&quot;")),
         "&dc;", "&lol9;"),
        ("quadratic blowup", "<!DOCTYPE instance [<!ENTITY a \"%s\"><!ENTITY dc '%s'>]>" % ("a" * 50000, DC_XML.replace('"', "&quot;")),
         "&dc;", "&a;" * 2000),
        ("external file", "<!DOCTYPE instance [<!ENTITY dc SYSTEM \"file:///etc/passwd\">]>", "&dc;", "x"),
        ("external http", "<!DOCTYPE instance [<!ENTITY dc SYSTEM \"http://127.0.0.1:9/dc.xml\">]>", "&dc;", "x"),
        ("external DTD", "<!DOCTYPE instance SYSTEM \"http://127.0.0.1:9/instance.dtd\">", "&dc;", "x"),
        ("parameter entities", "<!DOCTYPE instance [<!ENTITY %% pe \"<!ENTITY dc '%s'>\"> %%pe;]>" % DC_XML.replace('"', "&#34;"), "&dc;", "x"),
        ("recursive entity", "<!DOCTYPE instance [<!ENTITY dc \"&dc;\">]>", "&dc;", "x"),
        ("unterminated DOCTYPE", "<!DOCTYPE instance [<!ENTITY dc '%s'>" % DC_XML.replace('"', "&quot;"), "&dc;", "x"),
    ]
    what, doctype, dc, meta = rng.choice(variants)
    body = doctype + instance_xml(app, iid, dc=dc, metadata="<role>%s</role>" % meta)
    return Case("entity_expansion", what, request("POST", "/eureka/apps/" + app, ["Content-Type: application/xml"], body))


def gen_invalid_utf8(rng, n, t):
    app, iid = t.pick(rng)
    bad = rng.choice(BAD_UTF8)
    bad_pct = "".join("%%%02X" % x for x in bad)
    reg = json_body(instance_json("HOSTILE", "hostile-%d" % n))
    field = rng.choice(["hostile-%d" % n, "host-hostile-%d" % n, "hostile"])
    variants = [
        ("JSON registration", lambda: request("POST", "/eureka/apps/HOSTILE", ["Content-Type: application/json"],
                                              reg.replace(b(field), b(field) + bad, 1))),
        ("JSON re-registration of a registered instance", lambda: request("POST", "/eureka/apps/" + app, ["Content-Type: application/json"],
                                                                          json_body(instance_json(app, iid, metadata={"k": "BADBYTES"})).replace(b"BADBYTES", bad))),
        ("XML registration", lambda: request("POST", "/eureka/apps/HOSTILE", ["Content-Type: application/xml"],
                                             instance_xml("HOSTILE", "hostile-%d" % n).encode().replace(b(field), b(field) + bad, 1))),
        ("XML metadata of a registered instance", lambda: request("POST", "/eureka/apps/" + app, ["Content-Type: application/xml"],
                                                                  instance_xml(app, iid, metadata="<k>BADBYTES</k>").encode().replace(b"BADBYTES", bad))),
        ("metadata value", lambda: request("PUT", "/eureka/apps/%s/%s/metadata?k=%s" % (app, q(iid), bad_pct))),
        ("metadata key", lambda: request("PUT", "/eureka/apps/%s/%s/metadata?k%s=v" % (app, q(iid), bad_pct))),
        ("status value", lambda: request("PUT", "/eureka/apps/%s/%s/status?value=UP%s" % (app, q(iid), bad_pct))),
        ("id in a cancel", lambda: request("DELETE", "/eureka/apps/%s/%s%s" % (app, q(iid), bad_pct))),
        ("app in a renew", lambda: request("PUT", "/eureka/apps/%s%s/%s" % (app, bad_pct, q(iid)))),
        ("raw bytes in target", lambda: request("DELETE", b"/eureka/apps/%s/%s%s" % (b(app), b(q(iid)), bad))),
        ("header name", lambda: request("DELETE", "/eureka/apps/%s/%s" % (app, q(iid)), [b"X-" + bad + b": 1"])),
        ("Host", lambda: request("DELETE", "/eureka/apps/%s/%s" % (app, q(iid)), [b"Host: a" + bad], host=False)),
    ]
    what, make = rng.choice(variants)
    return Case("invalid_utf8", "%s (%s)" % (what, bad.hex()), make())


def gen_control_chars(rng, n, t):
    app, iid = t.pick(rng)
    c = control_char(rng)
    pc = "%%%02X" % ord(c)
    crlf = rng.choice(["%0D%0A", "%0A", "%0D", "%0D%0AX-Injected:%201"])
    reg = instance_json("HOSTILE", "hostile-%d" % n)

    def json_reg(path_app, doc):
        return request("POST", "/eureka/apps/" + path_app, ["Content-Type: application/json"], json_body(doc))

    variants = [
        ("in instanceId", lambda: json_reg("HOSTILE", instance_json("HOSTILE", "hostile-%d%s" % (n, c)))),
        ("in app name", lambda: json_reg(q("HOSTILE" + c), instance_json("HOSTILE" + c, "hostile-%d" % n))),
        ("in hostName", lambda: json_reg("HOSTILE", instance_json("HOSTILE", "hostile-%d" % n, hostName="h%sx" % c))),
        ("in a metadata value of a registered instance", lambda: json_reg(app, instance_json(app, iid, metadata={"k": "a%sb" % c}))),
        ("in a metadata key of a registered instance", lambda: json_reg(app, instance_json(app, iid, metadata={"a%sb" % c: "v"}))),
        ("raw control in JSON string", lambda: request("POST", "/eureka/apps/HOSTILE", ["Content-Type: application/json"],
                                                       json_body(reg).replace(b"hostile-%d" % n, b"hostile-%d%s" % (n, b(c)), 1))),
        ("XML character reference", lambda: request("POST", "/eureka/apps/" + app, ["Content-Type: application/xml"],
                                                     instance_xml(app, iid, metadata="<k>a&#%d;b</k>" % ord(c)))),
        ("raw control in XML", lambda: request("POST", "/eureka/apps/" + app, ["Content-Type: application/xml"],
                                               instance_xml(app, iid, metadata="<k>a%sb</k>" % c))),
        ("metadata value by PUT", lambda: request("PUT", "/eureka/apps/%s/%s/metadata?k=a%sb" % (app, q(iid), pc))),
        # (CR and LF in a key are accepted by design: XStream's name coder writes them as _.000D)
        ("in a metadata key by PUT", lambda: request("PUT", "/eureka/apps/%s/%s/metadata?a%sb=v" % (app, q(iid), pc))),
        ("CRLF in the id of a cancel", lambda: request("DELETE", "/eureka/apps/%s/%s%s" % (app, q(iid), crlf))),
        ("CRLF in the id of a renew", lambda: request("PUT", "/eureka/apps/%s/%s%s" % (app, q(iid), crlf))),
        ("CRLF in the app of a status change", lambda: request("PUT", "/eureka/apps/%s%s/%s/status?value=OUT_OF_SERVICE" % (app, crlf, q(iid)))),
        ("control in the id of an override removal", lambda: request("DELETE", "/eureka/apps/%s/%s%s/status" % (app, q(iid), pc))),
        ("raw CRLF in the target", lambda: b"DELETE /eureka/apps/%s/%s\r\nX-Injected: 1 HTTP/1.1\r\n" % (b(app), b(q(iid))) + HOST + b"\r\n"),
        ("bare CR in a header value", lambda: request("DELETE", "/eureka/apps/%s/%s" % (app, q(iid)), ["X-Note: a\rb"])),
        ("NUL in a header value", lambda: request("DELETE", "/eureka/apps/%s/%s" % (app, q(iid)), ["X-Note: a\0b"])),
        ("control in a header name", lambda: request("DELETE", "/eureka/apps/%s/%s" % (app, q(iid)), ["X-No%ste: 1" % c])),
        ("folded Content-Type echoed", lambda: request("POST", "/eureka/apps/HOSTILE", [
            "Content-Type: application/json;a=b\r\n X-Injected: yes"], b"{not json")),
    ]
    what, make = rng.choice(variants)
    return Case("control_chars", "%s (U+%04X)" % (what, ord(c)) if "CRLF" not in what else what, make())


def gen_bad_values(rng, n, t):
    app, iid = t.pick(rng)
    inst = "/eureka/apps/%s/%s" % (app, q(iid))
    future = int(time.time() * 1000) + rng.choice([3600 * 1000, 86400 * 1000, 10 ** 12])
    reg = json_body(instance_json(app, iid))
    variants = [
        ("status value", lambda: request("PUT", inst + "/status?value=" + q(rng.choice(
            ["up", "Up", "UP ", " UP", "OUT-OF-SERVICE", "", "DOWN;", "STARTING,UP", "null", "x" * 5000])))),
        ("status without value", lambda: request("PUT", inst + "/status")),
        ("override removal with a bad value", lambda: request("DELETE", inst + "/status?value=" + q(rng.choice(["down", "BOGUS", ""])))),
        ("renew with a malformed lastDirtyTimestamp", lambda: request("PUT", inst + "?status=UP&lastDirtyTimestamp=" + q(rng.choice(
            ["abc", "1e30", "99999999999999999999999", "-", "0x10", "1.5", ""])))),
        ("renew with a future lastDirtyTimestamp", lambda: request("PUT", inst + "?status=UP&lastDirtyTimestamp=%d" % future)),
        ("status change with a future lastDirtyTimestamp", lambda: request("PUT", inst + "/status?value=OUT_OF_SERVICE&lastDirtyTimestamp=%d" % future)),
        ("re-registration with a future lastDirtyTimestamp", lambda: request("POST", "/eureka/apps/" + app, ["Content-Type: application/json"],
                                                                              json_body(instance_json(app, iid, lastDirtyTimestamp=str(future), status="DOWN"))),),
        ("re-registration with an app mismatch", lambda: request("POST", "/eureka/apps/" + app, ["Content-Type: application/json"],
                                                                  json_body(instance_json(app + "X", iid, status="DOWN")))),
        ("re-registration without dataCenterInfo", lambda: request("POST", "/eureka/apps/" + app, ["Content-Type: application/json"],
                                                                    json_body(instance_json(app, iid, dataCenterInfo=None, status="DOWN")))),
        ("re-registration with a bad metadata key", lambda: request("POST", "/eureka/apps/" + app, ["Content-Type: application/json"],
                                                                     json_body(instance_json(app, iid, metadata={rng.choice(["a b", "1abc", "x<y", "", "a/b"]): "v"})))),
        ("metadata PUT with a bad key", lambda: request("PUT", inst + "/metadata?" + q(rng.choice(["a b", "1abc", "x<y", "a/b", "-x"])) + "=v")),
        ("malformed JSON", lambda: request("POST", "/eureka/apps/" + app, ["Content-Type: application/json"],
                                           reg[:rng.randrange(1, len(reg) - 1)])),
        ("malformed XML", lambda: request("POST", "/eureka/apps/" + app, ["Content-Type: application/xml"],
                                          instance_xml(app, iid)[:rng.randrange(1, 200)])),
        ("malformed percent-encoding", lambda: request(rng.choice(["DELETE", "PUT"]), "/eureka/apps/%s/%s%s" % (app, q(iid), rng.choice(["%", "%G1", "%0", "%%", "%zz"])))),
        ("malformed query", lambda: request("PUT", inst + "/metadata?k=%zz")),
        ("method not allowed", lambda: request(rng.choice(["POST", "PATCH", "TRACE", "OPTIONS", "CONNECT", "PROPFIND", "BREW"]), inst)),
        ("status route method not allowed", lambda: request(rng.choice(["POST", "GET", "PATCH"]), inst + "/status?value=DOWN")),
        ("path traversal", lambda: request(rng.choice(["DELETE", "GET"]), rng.choice([
            "/eureka/apps/../../etc/passwd", "/console/../../../etc/passwd", "/console/%2e%2e/%2e%2e/etc/passwd",
            "/eureka/apps/%2e%2e/%2e%2e/%2e%2e/etc/passwd/x", "/console/..%2f..%2fetc%2fpasswd", "/../../../etc/shadow"]))),
        ("replication batch unreadable", lambda: request("POST", "/eureka/peerreplication/batch", ["Content-Type: application/json"],
                                                         rng.choice([b"{", b"[]", b'{"replicationList": 5}', b'{"replicationList": [', b"\xff"]))),
        ("replication batch as XML", lambda: request("POST", "/eureka/peerreplication/batch", ["Content-Type: application/xml"],
                                                     b"<replicationList><replicationInstance><appName>%s</appName><id>%s</id><action>Cancel</action></replicationInstance></replicationList>" % (b(app), b(iid)))),
    ]
    # Media types the registration route refuses (415), with a body it would accept.
    variants.append(("registration media type", lambda: request("POST", "/eureka/apps/HOSTILE", [
        "Content-Type: " + rng.choice(["text/plain", "application/json; charset=utf-16", "application/json;charset=UTF-7",
                                       "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
                                       "application/yaml", "application/jsonx", "*/*"])], valid_registration(n)[2])))
    what, make = rng.choice(variants)
    return Case("bad_values", what, make())


def gen_admin(rng, n, t):
    app, iid = t.pick(rng)
    base = "/admin/api/apps/%s/%s" % (app, q(iid))
    variants = [
        ("deregister", lambda: request("DELETE", base)),
        ("override", lambda: request("PUT", base + "/status?value=OUT_OF_SERVICE")),
        ("remove override", lambda: request("DELETE", base + "/status")),
        ("deregister with made-up credentials", lambda: request("DELETE", base, ["Authorization: Basic YWRtaW46YWRtaW4="])),
        ("deregister with a malformed Authorization", lambda: request("DELETE", base, ["Authorization: " + rng.choice(
            ["Basic", "Basic !!!", "Bearer x", "Basic " + "A" * 9000, "Digest x"])])),
        ("cross-origin deregister", lambda: request("DELETE", base, ["Origin: http://evil.example"])),
    ]
    what, make = rng.choice(variants)
    return Case("admin_unauthorised", what, make())


def gen_slow(rng, n, t):
    app, iid = t.pick(rng)
    cancel = b"DELETE /eureka/apps/%s/%s HTTP/1.1\r\n" % (b(app), b(q(iid))) + HOST
    path, ctype, body = valid_registration(n)
    post = b"POST %s HTTP/1.1\r\n" % b(path) + HOST + b"Content-Type: %s\r\n" % b(ctype)
    variants = [
        # A cancel of a registered instance whose last CRLF is sent only once the node has
        # answered (None: wait for the answer): 408 from the request timeout, and the cancel,
        # completed after it, must not be applied.
        ("cancel completed too late", [(cancel, None), (b"\r\n", 1.0)]),
        ("request line a byte at a time", [(bytes([x]), 0.4) for x in cancel[:12]]),
        ("header never ends", [(cancel + b"X-Slow: ", 0.5)] + [(b"s", 0.5) for _ in range(9)]),
        ("body never completes", [(post + b"Content-Length: %d\r\n\r\n" % len(body) + body[:len(body) // 2], 5.0)]),
        ("chunked body never ends", [(post + b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n%s\r\n" % (len(body), body), 5.0)]),
        ("registration completed too late", [(post + b"Content-Length: %d\r\n\r\n" % len(body) + body[:-1], None), (body[-1:], 1.0)]),
    ]
    what, pieces = rng.choice(variants)
    return Case("slow", what, pieces=pieces)


def refused_write(rng, n, t):
    """One well-framed write the node must refuse (4xx), for pipelines."""
    app, iid = t.pick(rng)
    inst = "/eureka/apps/%s/%s" % (app, q(iid))
    c = "%%%02X" % ord(control_char(rng))
    return rng.choice([
        request("PUT", inst + "/status?value=BOGUS"),
        request("PUT", inst + "?lastDirtyTimestamp=abc"),
        request("PUT", inst + "/metadata?k=a" + c),
        request("PUT", inst + "/metadata?a%20b=v"),
        request("DELETE", inst + "%0D%0A"),
        request("DELETE", "/admin/api/apps/%s/%s" % (app, q(iid))),
        request("POST", "/eureka/apps/" + app, ["Content-Type: application/json"],
                json_body(instance_json(app, iid, metadata={"k": "a\x01b"}))),
        request("POST", "/eureka/apps/" + app, ["Content-Type: text/plain"], json_body(instance_json(app, iid))),
    ])


def gen_pipelined(rng, n, t):
    count = rng.randrange(2, 40)
    data = b"".join(refused_write(rng, n, t) for _ in range(count))
    return Case("pipelined", "%d refused writes" % count, data, pipelined=count)


def gen_never_read(rng, n, t):
    # Full fetches (about 7 KB each) make the node hold more output than the kernel's socket
    # buffers take (a few MB), so that some stays unsent; refused writes between them.
    fetch = b"GET /eureka/apps HTTP/1.1\r\n" + HOST + b"Accept: application/json\r\n\r\n"
    parts = []
    for i in range(rng.randrange(1500, 2500)):
        parts.append(fetch if i % 3 else refused_write(rng, n, t))
    return Case("never_read", "%d pipelined requests, nothing read" % len(parts), b"".join(parts), never_read=True)


GENERATORS = {
    "request_line": gen_request_line, "framing": gen_framing, "chunking": gen_chunking,
    "huge_headers": gen_huge_headers, "huge_bodies": gen_huge_bodies, "gzip_bomb": gen_gzip_bomb,
    "deep_json": gen_deep_json, "deep_xml": gen_deep_xml, "entity_expansion": gen_entity_expansion,
    "invalid_utf8": gen_invalid_utf8, "control_chars": gen_control_chars, "bad_values": gen_bad_values,
    "admin_unauthorised": gen_admin, "slow": gen_slow, "pipelined": gen_pipelined,
    "never_read": gen_never_read,
}

# Share of the cases per category (slow and never_read ones hold a connection for seconds: few).
WEIGHTS = {
    "request_line": 10, "framing": 12, "chunking": 10, "huge_headers": 6, "huge_bodies": 6,
    "gzip_bomb": 5, "deep_json": 5, "deep_xml": 4, "entity_expansion": 5, "invalid_utf8": 10,
    "control_chars": 12, "bad_values": 12, "admin_unauthorised": 4, "slow": 3, "pipelined": 5,
    "never_read": 1,
}


def generate(rng, total, targets):
    """`total` cases (at least 4 of every category), numbered from 1, in a shuffled order."""
    weight_sum = sum(WEIGHTS.values())
    counts = {c: max(4, round(total * WEIGHTS[c] / weight_sum)) for c in CATEGORIES}
    while sum(counts.values()) < total:
        counts["bad_values"] += 1
    plan = [c for c in CATEGORIES for _ in range(counts[c])]
    rng.shuffle(plan)
    cases = []
    for i, cat in enumerate(plan, 1):
        case = GENERATORS[cat](rng, i, targets)
        case.number = i
        cases.append(case)
    return cases
