#!/usr/bin/env python3
"""Differential test: caf-eureka against the real Spring Cloud Eureka server.

Starts the reference server (test/interop/java-server-reference) and a caf-eureka node side by
side on free loopback ports, sends both the same sequence of raw HTTP requests (cases/cases.txt),
normalises only what must differ (server clocks, hash-map order) and compares status code,
Content-Type, Content-Encoding and body. A difference is either listed in allowlist.txt (a
deliberate deviation, docs/compatibility.md) or fails the test with a readable diff.

Usage:
  differential.py --node build/apps/caf-eureka-node --reference-jar .../eureka-server-reference.jar
  differential.py --node ... --java-url http://127.0.0.1:8761   # an already running Java server
  options: --cases FILE --allowlist FILE --only REGEX --verbose --keep-logs DIR

Case format (cases/cases.txt, one case per line, shell-like quoting, `#` starts a comment):

  <id> <METHOD> <path> [option ...]

  path     `{base}` is /eureka/ ; GET cases using {base} run twice, once under /eureka/ and once
           under /eureka/v2/ (both must agree). Write cases use /eureka/ ({v2} forces /eureka/v2/).
  options  accept=json|xml|any|<literal>   Accept header (json = application/json, xml =
                                           application/xml, any = */*)
           ct=json|xml|<literal>           Content-Type of the request
           ae=<value>                      Accept-Encoding (e.g. gzip)
           repl=true                       x-netflix-discovery-replication: true
           H:<Name>=<value>                any other request header
           body=@<file>[?k=v&k=v]          body from cases/<file>, ${k} placeholders replaced
                                           (defaults in the file's first line `#defaults k=v ...`)
           body=<text>                     inline body
           gzipbody=true                   gzip the body and send Content-Encoding: gzip
           note=<text>                     free text shown on failure
  special lines:
           SLEEP <seconds>                 wait (short: lease expiry cases)

Python 3 standard library only. Prints `N passed, M failed` last; exit status 1 on failure.
"""

import argparse
import fnmatch
import gzip
import http.client
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
BASES = ("/eureka/", "/eureka/v2/")
ACCEPT = {"json": "application/json", "xml": "application/xml", "any": "*/*"}
CTYPE = {"json": "application/json", "xml": "application/xml"}


# -- processes -------------------------------------------------------------------------------------

def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Child:
    def __init__(self, name, argv, log_path):
        self.name = name
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.alive():
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.log.close()

    def tail(self, n=30):
        try:
            with open(self.log_path, "rb") as f:
                return b"\n".join(f.read().splitlines()[-n:]).decode("utf-8", "replace")
        except OSError:
            return ""


def wait_ready(port, child, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child is not None and not child.alive():
            raise RuntimeError("%s exited with %s:\n%s" % (child.name, child.proc.returncode, child.tail()))
        try:
            r = send(port, "GET", "/eureka/apps", {"Accept": "application/json"}, None, timeout=2)
            if r["status"] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("server on port %d not ready after %d s" % (port, timeout))


# -- HTTP ------------------------------------------------------------------------------------------

def send(port, method, path, headers, body, timeout=10):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for k, v in headers.items():
            conn.putheader(k, v)
        if body is not None or method in ("POST", "PUT"):
            conn.putheader("Content-Length", str(len(body or b"")))
        conn.endheaders()
        if body:
            conn.send(body)
        resp = conn.getresponse()
        raw = resp.read()
        return {
            "status": resp.status,
            "ctype": resp.getheader("Content-Type"),
            "cenc": resp.getheader("Content-Encoding"),
            "raw": raw,
        }
    finally:
        conn.close()


# -- cases -----------------------------------------------------------------------------------------

class Case:
    def __init__(self, lineno, text):
        self.lineno = lineno
        self.text = text
        self.sleep = None
        parts = shlex.split(text, comments=True)
        if parts[0] == "SLEEP":
            self.sleep = float(parts[1])
            self.id = "SLEEP@%d" % lineno
            return
        if len(parts) < 3:
            raise ValueError("line %d: expected <id> <METHOD> <path> [options]" % lineno)
        self.id, self.method, self.path = parts[0], parts[1].upper(), parts[2]
        self.opts = {}
        self.headers = {}
        for opt in parts[3:]:
            k, sep, v = opt.partition("=")
            if not sep:
                raise ValueError("line %d: option %r is not key=value" % (lineno, opt))
            if k.startswith("H:"):
                self.headers[k[2:]] = v
            else:
                self.opts[k] = v
        known = {"accept", "ct", "ae", "repl", "body", "gzipbody", "note"}
        bad = set(self.opts) - known
        if bad:
            raise ValueError("line %d: unknown option(s) %s" % (lineno, ", ".join(sorted(bad))))

    def variants(self):
        """(label, path) pairs: GETs with {base} run under both base paths."""
        if "{base}" in self.path and self.method == "GET":
            return [(b, self.path.replace("{base}", b)) for b in BASES]
        p = self.path.replace("{base}", BASES[0]).replace("{v2}", BASES[1])
        return [("", p)]

    def request(self, cases_dir):
        h = {}
        if "accept" in self.opts:
            h["Accept"] = ACCEPT.get(self.opts["accept"], self.opts["accept"])
        if "ct" in self.opts:
            h["Content-Type"] = CTYPE.get(self.opts["ct"], self.opts["ct"])
        if "ae" in self.opts:
            h["Accept-Encoding"] = self.opts["ae"]
        if self.opts.get("repl") == "true":
            h["x-netflix-discovery-replication"] = "true"
        h.update(self.headers)
        body = None
        if "body" in self.opts:
            body = load_body(self.opts["body"], cases_dir)
            if self.opts.get("gzipbody") == "true":
                body = gzip.compress(body)
                h["Content-Encoding"] = "gzip"
        return h, body


def load_body(spec, cases_dir):
    if not spec.startswith("@"):
        return spec.encode("utf-8")
    name, _, query = spec[1:].partition("?")
    with open(os.path.join(cases_dir, name), encoding="utf-8") as f:
        text = f.read()
    values = {}
    if text.startswith("#defaults"):
        first, _, text = text.partition("\n")
        for item in first.split()[1:]:
            k, _, v = item.partition("=")
            values[k] = v
    for k, v in urllib.parse.parse_qsl(query, keep_blank_values=True):
        values[k] = v

    def sub(m):
        key = m.group(1)
        if key not in values:
            raise ValueError("body %s: no value for ${%s}" % (name, key))
        return values[key]
    return re.sub(r"\$\{([A-Za-z0-9_]+)\}", sub, text).rstrip("\n").encode("utf-8")


def load_cases(path):
    cases = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            cases.append(Case(n, s))
    ids = [c.id for c in cases]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise ValueError("duplicate case ids: %s" % ", ".join(sorted(dup)))
    return cases


# -- allow-list ------------------------------------------------------------------------------------

class Allow:
    """`<case-id glob> <aspect> [java=V] [node=V] [status=JAVA-STATUS] [jbody=RE] [nbody=RE] -- <reason>`

    java/node: the exact header or status values (`None` = absent); status: the Java server's
    status code; jbody/nbody: a regex searched in the normalised Java/node body."""

    def __init__(self, lineno, text):
        rule, sep, reason = text.partition(" -- ")
        if not sep or not reason.strip():
            raise ValueError("allowlist line %d: needs ` -- <reason>`" % lineno)
        parts = rule.split()
        self.glob, self.aspect = parts[0], parts[1]
        self.values = dict(p.split("=", 1) for p in parts[2:])
        self.reason = reason.strip()
        self.used = 0

    def matches(self, case_id, aspect, java, node, ctx):
        if not fnmatch.fnmatchcase(case_id, self.glob) or aspect != self.aspect:
            return False
        if "status" in self.values and self.values["status"] != str(ctx["status"]):
            return False
        if "jbody" in self.values and not re.search(self.values["jbody"], ctx["jbody"]):
            return False
        if "nbody" in self.values and not re.search(self.values["nbody"], ctx["nbody"]):
            return False
        if "java" in self.values and self.values["java"] != str(java):
            return False
        if "node" in self.values and self.values["node"] != str(node):
            return False
        return True


def load_allowlist(path):
    rules = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            s = line.strip()
            if s and not s.startswith("#"):
                rules.append(Allow(n, s))
    return rules


# -- normalisation ---------------------------------------------------------------------------------

NOW_WINDOW_MS = 24 * 3600 * 1000


def is_server_time(value, now_ms):
    return abs(value - now_ms) < NOW_WINDOW_MS


def norm_time_text(text, now_ms):
    """Server-clock timestamps (13-digit millis within a day of now) -> TS; small timestamps that
    the cases supply themselves stay exact."""
    return re.sub(r"(?<![0-9])1[0-9]{12}(?![0-9])",
                  lambda m: "TS" if is_server_time(int(m.group(0)), now_ms) else m.group(0), text)


def norm_json(text, now_ms):
    doc = json.loads(text)
    fmt_ok = json.dumps(doc, separators=(",", ":"), ensure_ascii=False) == text

    def walk(x):
        if isinstance(x, dict):
            out = {}
            for k, v in x.items():
                out[k] = walk(v)
                if k == "metadata" and isinstance(out[k], dict):
                    # a Java HashMap: iteration order is the hash order
                    out[k] = dict(sorted(out[k].items(), key=lambda kv: (kv[0] != "@class", kv[0])))
            if "application" in out and isinstance(out["application"], list):
                out["application"] = sorted(out["application"],
                                            key=lambda a: str(a.get("name")) if isinstance(a, dict) else "")
            if "instance" in out and isinstance(out["instance"], list):
                out["instance"] = sorted(out["instance"],
                                         key=lambda i: str(i.get("instanceId")) if isinstance(i, dict) else "")
            return out
        if isinstance(x, list):
            return [walk(v) for v in x]
        if isinstance(x, int) and not isinstance(x, bool) and is_server_time(x, now_ms):
            return "#TS"
        if isinstance(x, str) and re.fullmatch(r"1[0-9]{12}", x) and is_server_time(int(x), now_ms):
            return "TS"
        return x
    out = json.dumps(walk(doc), separators=(",", ":"), ensure_ascii=False)
    if not fmt_ok:
        out = "[not compact Jackson-style JSON]\n" + out
    return out


def sort_blocks(lines, indent, tag, key_tag):
    """Sort the sibling `<tag>` blocks at `indent` by the text of their `<key_tag>` child line."""
    open_l, close_l = " " * indent + "<%s>" % tag, " " * indent + "</%s>" % tag
    out, blocks, i = [], [], 0
    first_block_at = None
    while i < len(lines):
        if lines[i] == open_l:
            j = i
            while j < len(lines) and lines[j] != close_l:
                j += 1
            block = lines[i:j + 1]
            key = next((l.strip() for l in block if l.strip().startswith("<%s>" % key_tag)), "")
            blocks.append((key, block))
            if first_block_at is None:
                first_block_at = len(out)
            i = j + 1
        else:
            out.append(lines[i])
            i += 1
    if first_block_at is None:
        return lines
    merged = [l for _, b in sorted(blocks, key=lambda kb: kb[0]) for l in b]
    return out[:first_block_at] + merged + out[first_block_at:]


ONE_LINE_BLOCKS = {
    "application": re.compile(r"<application>.*?</application>", re.S),
    "instance": re.compile(r"<instance>.*?</instance>", re.S),
}


def sort_runs(text, tag, key_tag):
    """One-line (compact, Jackson) XML: sort each contiguous run of sibling `<tag>` elements by
    the text of their first `<key_tag>` child."""
    pat, key = ONE_LINE_BLOCKS[tag], re.compile(r"<%s>(.*?)</%s>" % (key_tag, key_tag))
    out, pos, run = [], 0, []

    def flush():
        run.sort(key=lambda b: (key.search(b).group(1) if key.search(b) else ""))
        out.extend(run)
        run.clear()
    for m in pat.finditer(text):
        if m.start() != pos:
            flush()
            out.append(text[pos:m.start()])
        run.append(m.group(0))
        pos = m.end()
    flush()
    out.append(text[pos:])
    return "".join(out)


def norm_xml_one_line(text):
    """The compact representation (X-Eureka-Accept: compact) is Jackson XML on one line: the same
    hash-map orders as above (applications by name, instances by id, metadata entries)."""
    entry = re.compile(r"<([^>/\s]+)>.*?</\1>")
    text = re.sub(r"<metadata>(.*?)</metadata>", lambda m: "<metadata>" + "".join(
        sorted(e.group(0) for e in entry.finditer(m.group(1)))) + "</metadata>", text)
    text = sort_runs(text, "application", "name")
    return sort_runs(text, "instance", "instanceId")


def norm_xml(text, now_ms):
    text = norm_time_text(text, now_ms)
    if "\n" not in text and text.startswith(("<applications>", "<application>")):
        return norm_xml_one_line(text)
    lines = text.split("\n")
    lines = sort_metadata(lines)
    # <applications> documents: apps at indent 2 (by <name>), their instances at indent 4
    if lines and lines[0] == "<applications>":
        lines = sort_blocks(lines, 2, "application", "name")
        lines = sort_instances(lines, 4)
    elif lines and lines[0] == "<application>":
        lines = sort_instances(lines, 2)
    return "\n".join(lines)


def sort_metadata(lines):
    """Metadata is a Java HashMap: sort the one-line children of every <metadata> element."""
    out, i = [], 0
    while i < len(lines):
        out.append(lines[i])
        if lines[i].strip() == "<metadata>":
            j = i + 1
            while j < len(lines) and lines[j].strip() != "</metadata>":
                j += 1
            out.extend(sorted(lines[i + 1:j]))
            i = j
            continue
        i += 1
    return out


def sort_instances(lines, indent):
    # sort instance blocks within each parent (contiguous run)
    out, run = [], []
    open_l, close_l = " " * indent + "<instance>", " " * indent + "</instance>"
    i = 0
    while i < len(lines):
        if lines[i] == open_l:
            j = lines.index(close_l, i)
            run.append(lines[i:j + 1])
            i = j + 1
            continue
        if run:
            run.sort(key=lambda b: next((l.strip() for l in b if l.strip().startswith("<instanceId>")), ""))
            out.extend(l for b in run for l in b)
            run = []
        out.append(lines[i])
        i += 1
    if run:
        run.sort(key=lambda b: next((l.strip() for l in b if l.strip().startswith("<instanceId>")), ""))
        out.extend(l for b in run for l in b)
    return out


DELTA_VERSION = re.compile(r'("versions__delta":"|<versions__delta>)(-?[0-9]+)(?=["<])')


def normalise(resp, now_ms, delta_versions=None):
    """delta_versions: a dict when the response is a delta document; its versions__delta is
    recorded there (per format) and replaced (the counter moves once per generated payload on both servers,
    but caf-eureka regenerates after every change, also those Java leaves cached, decisions.md 2;
    the driver checks each server's sequence for monotonicity instead)."""
    raw = resp["raw"]
    if resp["cenc"] and "gzip" in resp["cenc"].lower():
        try:
            raw = gzip.decompress(raw)
        except OSError:
            return "[body is not valid gzip: %d bytes]" % len(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "[binary body: %d bytes]" % len(raw)
    ctype = (resp["ctype"] or "").lower()
    if delta_versions is not None:
        seq = delta_versions.setdefault("json" if "json" in ctype else "xml", [])

        def record(m):
            seq.append(int(m.group(2)))
            return m.group(1) + "DELTA-VERSION"
        text = DELTA_VERSION.sub(record, text, count=1)
    stripped = text.lstrip()
    if "json" in ctype and stripped[:1] in ("{", "["):
        try:
            return norm_json(text, now_ms)
        except ValueError:
            pass
    if "xml" in ctype and stripped.startswith("<"):
        return norm_xml(text, now_ms)
    return norm_time_text(text, now_ms)


# -- comparison ------------------------------------------------------------------------------------

def simple_diff(a, b):
    import difflib
    al = pretty(a).splitlines()
    bl = pretty(b).splitlines()
    d = list(difflib.unified_diff(al, bl, "java", "node", lineterm="", n=2))
    if len(d) > 60:
        d = d[:60] + ["... (%d more diff lines)" % (len(d) - 60)]
    return "\n".join(d)


def pretty(text):
    """Readable form for diffs only (comparison is on the normalised text)."""
    if text.startswith("{") or text.startswith("["):
        try:
            return json.dumps(json.loads(text), indent=1, ensure_ascii=False)
        except ValueError:
            pass
    return text


def compare(case_id, java, node, now_ms, allow, versions=None):
    """-> (failures, allowed) lists of strings. versions: {"java": [...], "node": [...]} for
    delta reads."""
    failures, allowed = [], []
    aspects = [
        ("status", java["status"], node["status"]),
        ("content-type", java["ctype"], node["ctype"]),
        ("content-encoding", java["cenc"], node["cenc"]),
    ]
    jb = normalise(java, now_ms, versions["java"] if versions and java["status"] == 200 else None)
    nb = normalise(node, now_ms, versions["node"] if versions and node["status"] == 200 else None)
    ctx = {"status": java["status"], "jbody": jb, "nbody": nb}
    status_allowed = False
    for aspect, jv, nv in aspects:
        if jv == nv:
            continue
        rule = next((r for r in allow if r.matches(case_id, aspect, jv, nv, ctx)), None)
        if rule:
            rule.used += 1
            allowed.append("%s java=%s node=%s (%s)" % (aspect, jv, nv, rule.reason))
            if aspect == "status":
                status_allowed = True
        else:
            failures.append("%s: java=%r node=%r" % (aspect, jv, nv))
    if jb != nb:
        rule = next((r for r in allow if r.matches(case_id, "body", None, None, ctx)), None)
        if rule:
            rule.used += 1
            allowed.append("body (%s)" % rule.reason)
        else:
            failures.append("body differs%s:\n%s" % (
                " (status difference is allowed)" if status_allowed else "", simple_diff(jb, nb)))
    return failures, allowed


# -- main ------------------------------------------------------------------------------------------

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--node", required=True, help="caf-eureka-node binary")
    p.add_argument("--reference-jar", help="Spring Cloud Eureka reference server jar")
    p.add_argument("--java-url", help="use an already running Java server (http://host:port)")
    p.add_argument("--java", default="java")
    p.add_argument("--jvm-opts", default=os.environ.get(
        "DIFF_JVM_OPTS", "-Xmx256m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1"))
    p.add_argument("--cases", default=os.path.join(HERE, "cases", "cases.txt"))
    p.add_argument("--allowlist", default=os.path.join(HERE, "allowlist.txt"))
    p.add_argument("--only", help="run only cases whose id matches this regex (state may differ!)")
    p.add_argument("--server-timeout", type=float, default=120)
    p.add_argument("--keep-logs", help="directory for server logs (default: a temporary one)")
    p.add_argument("--verbose", "-v", action="store_true")
    args = p.parse_args()

    cases = load_cases(args.cases)
    allow = load_allowlist(args.allowlist)
    cases_dir = os.path.dirname(os.path.abspath(args.cases))
    log_dir = args.keep_logs or tempfile.mkdtemp(prefix="eureka-diff-")
    os.makedirs(log_dir, exist_ok=True)

    children = []
    started = time.monotonic()
    try:
        if args.java_url:
            java_port = urllib.parse.urlparse(args.java_url).port
            java_child = None
        else:
            if not args.reference_jar:
                p.error("--reference-jar or --java-url is required")
            java_port = free_port()
            java_child = Child("java-server", [args.java] + shlex.split(args.jvm_opts) + [
                "-jar", args.reference_jar, "--server.port=%d" % java_port,
                "--server.address=127.0.0.1"], os.path.join(log_dir, "java-server.log"))
            children.append(java_child)
        node_port = free_port()
        node_child = Child("node", [
            args.node, "--server.port=%d" % node_port, "--server.address=127.0.0.1",
            # the reference server's configuration (application.properties)
            "--eureka.server.enable-self-preservation=false",
            "--eureka.server.eviction-interval-timer-in-ms=1000",
            "--logging.level=warn"], os.path.join(log_dir, "node.log"))
        children.append(node_child)
        wait_ready(node_port, node_child, 20)
        wait_ready(java_port, java_child, args.server_timeout)
        print("servers ready after %.1f s: java on %d, node on %d (logs in %s)" % (
            time.monotonic() - started, java_port, node_port, log_dir), flush=True)

        only = re.compile(args.only) if args.only else None
        delta_versions = {"java": {}, "node": {}}
        passed = failed = allowed_n = 0
        for case in cases:
            if case.sleep is not None:
                time.sleep(case.sleep)
                continue
            if only and not only.search(case.id):
                continue
            headers, body = case.request(cases_dir)
            for label, path in case.variants():
                cid = case.id + ("@v2" if label == BASES[1] else "")
                now_ms = int(time.time() * 1000)
                try:
                    jr = send(java_port, case.method, path, headers, body)
                    nr = send(node_port, case.method, path, headers, body)
                except OSError as e:
                    failed += 1
                    print("FAIL %s (line %d): %s %s: %s" % (cid, case.lineno, case.method, path, e))
                    continue
                is_delta = case.method == "GET" and re.search(r"/apps/delta/?(\?|$)", path)
                failures, allowed = compare(cid, jr, nr, now_ms, allow,
                                            delta_versions if is_delta else None)
                if failures:
                    failed += 1
                    print("FAIL %s (line %d): %s %s%s" % (cid, case.lineno, case.method, path,
                                                           "  [" + case.opts["note"] + "]" if "note" in case.opts else ""))
                    for f in failures:
                        print("  " + f.replace("\n", "\n  "))
                    for a in allowed:
                        print("  allowed: " + a)
                else:
                    passed += 1
                    if allowed:
                        allowed_n += 1
                    if args.verbose or allowed:
                        print("ok   %s: %s %s -> %d%s" % (cid, case.method, path, jr["status"],
                                                          "".join("\n       allowed: " + a for a in allowed)))
        for c in children:
            if not c.alive():
                print("FAIL: %s died during the run:\n%s" % (c.name, c.tail()))
                failed += 1
        for server, formats in sorted(delta_versions.items()):
            for fmt, seq in sorted(formats.items()):
                ok = all(v >= 1 for v in seq) and all(a <= b for a, b in zip(seq, seq[1:]))
                print("%s %s delta versions__delta: %s" % (server, fmt, " ".join(map(str, seq))))
                if ok:
                    passed += 1
                else:
                    failed += 1
                    print("FAIL %s %s: versions__delta of deltas must be >= 1 and never decrease"
                          % (server, fmt))
        unused = [r for r in allow if r.used == 0]
        for r in unused:
            print("note: allow-list entry never used: %s %s" % (r.glob, r.aspect))
        print("elapsed %.1f s; %d of the passed cases had allow-listed (deliberate) differences" % (
            time.monotonic() - started, allowed_n))
        print("%d passed, %d failed" % (passed, failed))
        return 1 if failed else 0
    except (RuntimeError, ValueError) as e:
        print("FAIL: %s" % e)
        print("0 passed, 1 failed")
        return 1
    finally:
        for c in reversed(children):
            c.stop()


if __name__ == "__main__":
    sys.exit(main())
