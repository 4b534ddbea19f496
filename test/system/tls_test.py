#!/usr/bin/env python3
"""The node binary's HTTPS (server.ssl.*, docs/security.md) against real TLS clients (Python's ssl
module, OpenSSL underneath), with a CA and certificates the test makes itself with the openssl
command line:

  https_serves                 registrations and fetches over TLS 1.2 and 1.3 (a registry of 300
                               instances read back whole, many TLS records); a client offering only
                               TLS 1.1, and plain HTTP sent to the port, are refused without an
                               HTTP answer and counted in eureka_http_tls_handshake_failures_total;
                               the node keeps serving; caf-eureka-admin (--admin) reads it over
                               https with --ca-file and refuses it without
  client_certificates_needed   server.ssl.client-auth=need: a client with a certificate of the
                               trusted CA is served, one without or with a certificate of another
                               CA is refused, and what it sent changes nothing
  bad_configuration_refused    a key that is not the certificate's, a missing file, a client CA
                               without client-auth: the node refuses to start, naming the key and
                               the file
  https_peers                  two nodes with HTTPS listing each other as https:// URLs and
                               trusting the test CA (eureka.client.tls.trust-certificate) discover
                               each other and replicate; a third trusting another CA logs that
                               its peers' certificates are not trusted and never takes them for
                               Java servers

Usage: tls_test.py --node <caf-eureka-node> [--admin <caf-eureka-admin>] [--workdir DIR]
Python 3 standard library and the openssl command (harness.make_test_pki); loopback only;
children always cleaned up.
"""

import argparse
import http.client
import json
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop", "common"))
from harness import (Aborted, Child, StepFailed, StepRunner, check, free_port, log,  # noqa: E402
                     make_test_pki, metric_sum, parse_prometheus, run_main, wait_for)

STEPS = ["https_serves", "client_certificates_needed", "bad_configuration_refused", "https_peers"]
OVERALL_TIMEOUT = 150


def instance_doc(app, iid):
    now = str(int(time.time() * 1000))
    return {"instance": {
        "instanceId": iid, "hostName": "host-" + iid, "app": app, "ipAddr": "127.0.0.1",
        "status": "UP", "port": {"$": 8080, "@enabled": "true"},
        "dataCenterInfo": {"@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo",
                           "name": "MyOwn"},
        "metadata": {"padding": "x" * 200},
        "vipAddress": app.lower(), "lastUpdatedTimestamp": now, "lastDirtyTimestamp": now}}


class Scenario(StepRunner):
    def __init__(self, args):
        self.args = args
        self.workdir = args.workdir
        self.children = []
        self.pki = os.path.join(self.workdir, "pki")
        make_test_pki(self.pki)

    def path(self, name):
        return os.path.join(self.pki, name)

    def start(self, label, extra):
        port = free_port()
        argv = [self.args.node, "--server.port=%d" % port, "--server.address=127.0.0.1",
                "--server.ssl.certificate=" + self.path("server.pem"),
                "--server.ssl.certificate-private-key=" + self.path("server.key")] + extra
        child = Child(label, argv, os.path.join(self.workdir, label + ".log"))
        self.children.append(child)
        return child, port

    def context(self, cert=None, minimum=None, maximum=None):
        ctx = ssl.create_default_context(cafile=self.path("ca.pem"))
        if cert:
            ctx.load_cert_chain(self.path(cert + ".pem"), self.path(cert + ".key"))
        if minimum:
            ctx.minimum_version = minimum
        if maximum:
            ctx.maximum_version = maximum
        return ctx

    def request(self, port, method, path, body=None, ctx=None):
        """(status, text) over HTTPS; raises ssl.SSLError / OSError when refused."""
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx or self.context(), timeout=10)
        try:
            headers = {"Accept": "application/json"}
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
            conn.request(method, path, body=data, headers=headers)
            r = conn.getresponse()
            return r.status, r.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def refused(self, port, ctx):
        """True if a GET over `ctx` gets no HTTP answer (the handshake or the session fails)."""
        try:
            self.request(port, "GET", "/eureka/apps", ctx=ctx)
            return False
        except (ssl.SSLError, ConnectionError, http.client.HTTPException, OSError):
            return True

    def metric(self, port, name, ctx=None):
        status, text = self.request(port, "GET", "/metrics", ctx=ctx)
        check(status == 200, "GET /metrics answered %s" % status)
        return metric_sum(parse_prometheus(text), name)

    def wait_serving(self, child, port, ctx=None):
        def up():
            try:
                return self.request(port, "GET", "/eureka/apps", ctx=ctx)[0] == 200
            except (ssl.SSLError, OSError, http.client.HTTPException):
                return False
        wait_for("the node to serve HTTPS", up, 30, watch=[(child.name, child)], interval=0.2)

    def stop_cleanly(self, child):
        child.kill()
        rc = child.proc.returncode
        check(rc == 0, "%s exited with code %s on SIGTERM" % (child.name, rc))
        bad = [line for line in child.lines if "Sanitizer" in line or "runtime error:" in line]
        check(not bad, "%s: sanitizer report: %s" % (child.name, bad[:3]))

    # -- steps ---------------------------------------------------------------------------------

    def https_serves(self):
        child, port = self.start("https", [])
        self.wait_serving(child, port)
        check(any("HTTPS: TLS 1.2+ as" in line for line in child.lines),
              "the node did not log that it listens with TLS")
        protocols = []
        for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            ctx = self.context(minimum=version, maximum=version)
            with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                    protocols.append(tls.version())
        check(protocols == ["TLSv1.2", "TLSv1.3"], "negotiated %s" % protocols)
        for i in range(300):
            status, text = self.request(port, "POST", "/eureka/apps/TLS-APP",
                                        instance_doc("TLS-APP", "i-%03d" % i))
            check(status == 204, "registration %d over HTTPS answered %s %s" % (i, status, text[:200]))
        status, text = self.request(port, "GET", "/eureka/apps")
        check(status == 200, "GET apps answered %s" % status)
        doc = json.loads(text)
        got = sum(len(a["instance"]) for a in doc["applications"]["application"])
        check(got == 300, "GET apps over HTTPS listed %d instances, not 300" % got)
        # An old protocol: the client offers TLS 1.1 only (its own floor lowered for the test).
        old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        old.check_hostname = False
        old.verify_mode = ssl.CERT_NONE
        old.set_ciphers("DEFAULT:@SECLEVEL=0")
        old.minimum_version = ssl.TLSVersion.TLSv1
        old.maximum_version = ssl.TLSVersion.TLSv1_1
        check(self.refused(port, old), "a TLS 1.1 client was served")
        # Plain HTTP to the TLS port: no HTTP answer, only (at most) a TLS alert, then the close.
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(b"GET /eureka/apps HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                answer += chunk
        check(not answer.startswith(b"HTTP/"), "plain HTTP got an HTTP answer: %r" % answer[:80])
        failures = self.metric(port, "eureka_http_tls_handshake_failures_total")
        check(failures >= 2, "eureka_http_tls_handshake_failures_total is %s, not >= 2" % failures)
        status, _ = self.request(port, "GET", "/eureka/apps/TLS-APP/i-000")
        check(status == 200, "the node stopped serving: %s" % status)
        if self.args.admin:
            # caf-eureka-admin over https: the test CA with --ca-file; without it, not trusted.
            url = "https://127.0.0.1:%d" % port
            r = subprocess.run([self.args.admin, "--url", url, "--ca-file", self.path("ca.pem"),
                                "status"], capture_output=True, text=True, timeout=30)
            check(r.returncode == 0, "caf-eureka-admin status over https: exit %d %s"
                  % (r.returncode, (r.stdout + r.stderr)[-300:]))
            r = subprocess.run([self.args.admin, "--url", url, "status"], capture_output=True,
                               text=True, timeout=30)
            check(r.returncode == 3 and "not trusted" in r.stderr,
                  "caf-eureka-admin without --ca-file: exit %d %s" % (r.returncode, r.stderr[-300:]))
        self.stop_cleanly(child)
        return "%s; 300 registrations and a %d-byte fetch; TLS 1.1 and plain HTTP refused (%d " \
               "handshake failures counted)" % ("/".join(protocols), len(text), failures)

    def client_certificates_needed(self):
        child, port = self.start("mtls", ["--server.ssl.client-auth=need",
                                          "--server.ssl.trust-certificate=" + self.path("ca.pem")])
        good = self.context(cert="client")
        self.wait_serving(child, port, ctx=good)
        check(self.refused(port, self.context()), "a client without a certificate was served")
        rogue = self.context(cert="rogue-client")
        check(self.refused(port, rogue), "a client with another CA's certificate was served")
        # What a refused client sends changes nothing.
        try:
            self.request(port, "POST", "/eureka/apps/ROGUE", instance_doc("ROGUE", "r-1"), ctx=rogue)
        except (ssl.SSLError, OSError, http.client.HTTPException):
            pass
        status, _ = self.request(port, "GET", "/eureka/apps/ROGUE", ctx=good)
        check(status == 404, "the rogue client's registration is in the registry (%s)" % status)
        status, _ = self.request(port, "POST", "/eureka/apps/GOOD", instance_doc("GOOD", "g-1"),
                                 ctx=good)
        check(status == 204, "the trusted client's registration answered %s" % status)
        failures = self.metric(port, "eureka_http_tls_handshake_failures_total", ctx=good)
        self.stop_cleanly(child)
        return "trusted client served; none and another CA's refused (%d handshake failures)" % failures

    def bad_configuration_refused(self):
        cases = [
            (["--server.ssl.certificate=" + self.path("server.pem"),
              "--server.ssl.certificate-private-key=" + self.path("client.key")],
             "is not the key of the certificate"),
            (["--server.ssl.certificate=" + self.path("missing.pem"),
              "--server.ssl.certificate-private-key=" + self.path("server.key")],
             "missing.pem"),
            (["--server.ssl.certificate=" + self.path("server.pem")],
             "needs server.ssl.certificate-private-key"),
            (["--server.ssl.certificate=" + self.path("server.pem"),
              "--server.ssl.certificate-private-key=" + self.path("server.key"),
              "--server.ssl.trust-certificate=" + self.path("ca.pem")],
             "only with server.ssl.client-auth"),
        ]
        for extra, words in cases:
            r = subprocess.run([self.args.node, "--server.port=0", "--server.address=127.0.0.1"] + extra,
                               capture_output=True, text=True, timeout=30)
            out = r.stdout + r.stderr
            check(r.returncode != 0, "the node started with %s" % extra)
            check(words in out, "no '%s' in what the node said: %s" % (words, out.strip()[-300:]))
        return "%d configurations refused at start with the file named" % len(cases)

    def https_peers(self):
        ports = {}
        for name in ("A", "B", "C"):
            ports[name] = (free_port(), free_port())
        urls = ",".join("https://127.0.0.1:%d/eureka/" % ports[n][0] for n in ("A", "B"))
        nodes = {}
        for name, ca in (("A", "ca.pem"), ("B", "ca.pem"), ("C", "rogue-ca.pem")):
            http_port, cluster_port = ports[name]
            argv = [self.args.node, "--server.port=%d" % http_port, "--server.address=127.0.0.1",
                    "--server.ssl.certificate=" + self.path("server.pem"),
                    "--server.ssl.certificate-private-key=" + self.path("server.key"),
                    "--eureka.client.tls.trust-certificate=" + self.path(ca),
                    "--eureka.client.service-url.default-zone=" + urls,
                    "--eureka.cluster.port=%d" % cluster_port,
                    "--eureka.cluster.bind-address=127.0.0.1",
                    "--eureka.cluster.advertised-host=127.0.0.1",
                    "--eureka.server.wait-time-in-ms-when-sync-empty=3000",
                    "--eureka.cluster.retry-min-ms=200", "--eureka.cluster.retry-max-ms=1000"]
            child = Child("peer-" + name, argv, os.path.join(self.workdir, "peer-%s.log" % name))
            self.children.append(child)
            nodes[name] = (child, http_port)
        for name in ("A", "B"):
            child, port = nodes[name]
            self.wait_serving(child, port)
        (a, a_port), (b, b_port), (c, c_port) = nodes["A"], nodes["B"], nodes["C"]
        for n, other in ((a, b_port), (b, a_port)):
            wait_for("%s to log its peer joined" % n.name,
                     lambda n=n, other=other: any("joined" in l and str(other) in l for l in n.lines),
                     15, watch=[(x.name, x) for x, _ in nodes.values()])
        status, _ = self.request(a_port, "POST", "/eureka/apps/OVER-TLS", instance_doc("OVER-TLS", "t-1"))
        check(status == 204, "the registration on A answered %s" % status)
        wait_for("the registration made on A on B",
                 lambda: self.request(b_port, "GET", "/eureka/apps/OVER-TLS/t-1")[0] == 200, 10,
                 watch=[("A", a), ("B", b)])
        untrusted = wait_for("C to log that its peers' certificates are not trusted",
                             lambda: [l for l in c.lines if "not trusted" in l], 15,
                             watch=[("C", c)])
        for child, _ in nodes.values():
            check(not any("a Java Eureka server" in l for l in child.lines),
                  "%s took a peer for a Java Eureka server" % child.name)
        for child, _ in nodes.values():
            self.stop_cleanly(child)
        return "A and B linked over https:// URLs and replicated | C: %s" % (
            untrusted[0].split("] ", 1)[-1][:150])

    def run(self):
        for step in STEPS:
            self.run_step(step, getattr(self, step))
        return 0 if not self.any_failed() else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--node", required=True)
    ap.add_argument("--admin", default=None, help="caf-eureka-admin, checked over https too")
    ap.add_argument("--workdir", default=None)
    args = ap.parse_args()
    args.workdir = args.workdir or tempfile.mkdtemp(prefix="tls-")
    log("logs in %s" % args.workdir)
    scenario = None

    def go():
        nonlocal scenario
        try:
            scenario = Scenario(args)
            return scenario.run()
        except Aborted as e:
            if scenario is not None:
                scenario.record_aborted(STEPS, e)
            return 1
        finally:
            if scenario is not None:
                if scenario.any_failed():
                    scenario.print_tails(scenario.children, 40, 400)
                scenario.kill_all(scenario.children)
                scenario.summary()

    rc = run_main(go, OVERALL_TIMEOUT)
    sys.exit(1 if rc else 0)


if __name__ == "__main__":
    main()
