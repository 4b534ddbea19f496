#!/usr/bin/env python3
"""Interop scenario: the real Netflix eureka-client (through Spring Cloud) against a node that
speaks HTTPS (server.ssl.*) and whose Eureka API needs credentials (eureka.auth.enabled,
docs/security.md), as Spring users secure their Eureka servers: the credentials ride in the
defaultZone URL, the client trusts the server's CA through eureka.client.tls.* (a PKCS12 trust
store keytool makes from the CA the test makes with the openssl command).

  1. secured_server_start      the node starts with TLS, users and roles; GET apps without
                               credentials answers 401 with a Basic challenge, with a reader's 200
  2. basic_auth_in_default_zone the interop app with https://orders:<password>@127.0.0.1/eureka/ in
                               defaultZone registers (the node lists it UP), renews (200s counted by
                               the node) and fetches (the app sees itself UP in its own registry)
  3. wrong_credentials_refused a second app with a wrong password in defaultZone keeps trying: the
                               node answers its registrations 401 and never lists it; the first app
                               is still UP
  4. role_limits               over raw HTTP with the app's credentials: a write to another
                               application is 403, a write marked x-netflix-discovery-replication is
                               403 (only a peer may send one), and the registry is unchanged
  5. graceful_shutdown_cancel  SIGTERM -> the app cancels with its credentials, the instance is gone

Usage: secured_scenario.py --node build/apps/caf-eureka-node --jar target/interop-java-client.jar
Python 3 standard library, the openssl command and the JDK's keytool; every wait is bounded; children are always killed. The last line
is `N passed, M failed`.
"""

import argparse
import json
import os
import shlex
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from harness import (  # noqa: E402  (test/interop/common/harness.py)
    Aborted, Child, StepFailed, StepRunner, basic_auth, free_port, http, instance_doc, log,
    make_test_pki, observed_instance, password_hash, request_counts, run_main, wait_for)

APP = "INTEROP-JAVA"     # spring.application.name=interop-java, upper-cased by Eureka
STEPS = ["secured_server_start", "basic_auth_in_default_zone", "wrong_credentials_refused",
         "role_limits", "graceful_shutdown_cancel"]
# Users of the node: the app may register its own application only.
PASSWORDS = {"orders": "s3cret-orders", "reader": "s3cret-reader", "replica": "s3cret-peer"}
ROLES = {"orders": "read+register=" + APP, "reader": "read", "replica": "peer"}
TRUST_STORE_PASSWORD = "changeit"


def keytool_beside(java):
    """The keytool of the JDK whose java command is `java`."""
    path = java if os.path.sep in java else shutil.which(java)
    if not path:
        raise RuntimeError("%s not found" % java)
    return os.path.join(os.path.dirname(os.path.realpath(path)), "keytool")


def basic(user, password=None):
    return basic_auth(user, PASSWORDS[user] if password is None else password)


class Observer:
    """The latest OBSERVED document an interop app printed."""

    def __init__(self):
        self.lock = threading.Lock()
        self.obs = None
        self.self_id = None

    def on_line(self, line):
        tag, _, payload = line.partition(" ")
        if tag != "OBSERVED":
            return
        try:
            doc = json.loads(payload)
        except ValueError:
            return
        with self.lock:
            self.obs = doc
            if self.self_id is None:
                self.self_id = (doc.get("self") or {}).get("id")

    def latest(self):
        with self.lock:
            return self.obs


class Scenario(StepRunner):
    def __init__(self, args):
        self.args = args
        self.results = []
        self.server = self.client = self.intruder = None
        self.observer = Observer()
        self.log_dir = args.log_dir or tempfile.mkdtemp(prefix="interop-java-secured-")
        os.makedirs(self.log_dir, exist_ok=True)
        self.port = self.base = None
        self.iid = None
        self.pki = make_test_pki(os.path.join(self.log_dir, "pki"))
        self.tls = ssl.create_default_context(cafile=self.pki["ca"][0])
        self.trust_store = os.path.join(self.log_dir, "pki", "trust.p12")
        r = subprocess.run([keytool_beside(args.java), "-importcert", "-noprompt", "-alias", "test-ca", "-file",
                            self.pki["ca"][0], "-keystore", self.trust_store, "-storetype", "PKCS12",
                            "-storepass", TRUST_STORE_PASSWORD], capture_output=True, text=True,
                           timeout=60)
        if r.returncode != 0:
            raise RuntimeError("keytool failed: %s" % (r.stdout + r.stderr)[-300:])

    # -- helpers ----------------------------------------------------------------------------------

    def call(self, method, url, body=None, headers=None):
        return http(method, url, body=body, headers=headers, context=self.tls)

    def get(self, path, user="reader"):
        headers = {"Accept": "application/json"}
        if user:
            headers.update(basic(user))
        return self.call("GET", self.base + path, headers=headers)

    def app_instances(self):
        code, text = self.get("/apps/" + APP)
        if code == 404:
            return {}
        if code != 200:
            raise StepFailed("GET apps/%s as reader answered %s" % (APP, code))
        insts = json.loads(text)["application"]["instance"]
        return {i["instanceId"]: i for i in insts}

    def counts(self):
        code, text = self.call("GET", "https://127.0.0.1:%d/metrics" % self.port,
                               headers=basic("reader"))
        if code != 200:
            raise StepFailed("GET /metrics as reader answered %s" % code)
        return request_counts(text)

    def start_app(self, name, instance_id, password):
        url = "https://orders:%s@127.0.0.1:%d/eureka/" % (password, self.port)
        port = free_port()
        argv = [self.args.java] + shlex.split(self.args.jvm_opts) + [
            "-Dinterop.eureka-url=" + url, "-jar", self.args.jar, "--interop.port=%d" % port,
            "--interop.instance-id=" + instance_id,
            # Spring Cloud's TLS settings of the Eureka client: the test CA's trust store.
            "--eureka.client.tls.enabled=true",
            "--eureka.client.tls.trust-store=file:" + self.trust_store,
            "--eureka.client.tls.trust-store-type=PKCS12",
            "--eureka.client.tls.trust-store-password=" + TRUST_STORE_PASSWORD]
        return Child(name, argv, os.path.join(self.log_dir, name + ".log"),
                     on_line=self.observer.on_line if name == "client" else None)

    # -- steps ------------------------------------------------------------------------------------

    def step_secured_server_start(self):
        self.port = free_port()
        self.base = "https://127.0.0.1:%d/eureka" % self.port
        users = ",".join("%s:%s:%s" % (u, ROLES[u], password_hash(PASSWORDS[u])) for u in PASSWORDS)
        argv = [self.args.node, "--server.port=%d" % self.port, "--server.address=127.0.0.1",
                "--server.ssl.certificate=" + self.pki["server"][0],
                "--server.ssl.certificate-private-key=" + self.pki["server"][1],
                "--eureka.auth.enabled=true", "--eureka.auth.users=" + users]
        self.server = Child("server", argv, os.path.join(self.log_dir, "server.log"))
        wait_for("GET apps as reader answering 200", lambda: self.get("/apps")[0] == 200,
                 self.args.server_timeout, watch=[("server", self.server)])
        status, _ = self.get("/apps", user=None)
        if status != 401:
            raise StepFailed("GET apps without credentials answered %s, not 401" % status)
        status, _ = self.call("GET", self.base + "/apps", headers=basic("reader", "guess"))
        if status != 401:
            raise StepFailed("GET apps with a wrong password answered %s, not 401" % status)
        if not any("basic authentication on" in line for line in self.server.lines):
            raise StepFailed("the node did not log that authentication is on")
        if not any("HTTPS: TLS 1.2+" in line for line in self.server.lines):
            raise StepFailed("the node did not log that it listens with TLS")
        status, _ = http("GET", self.base.replace("https:", "http:") + "/apps")
        if status is not None:
            raise StepFailed("plain HTTP to the TLS port got an HTTP answer (%s)" % status)
        return "HTTPS; 401 without and with wrong credentials, 200 for the reader, plain HTTP refused"

    def step_basic_auth_in_default_zone(self):
        self.iid = "127.0.0.1:interop-java:secured"
        self.client = self.start_app("client", self.iid, PASSWORDS["orders"])
        watch = [("the app", self.client), ("server", self.server)]
        wait_for("%s UP on the node" % self.iid,
                 lambda: self.app_instances().get(self.iid, {}).get("status") == "UP",
                 self.args.client_timeout, watch=watch, interval=0.5)
        # Its own registry, fetched with its credentials, shows it.
        wait_for("the app seeing itself UP",
                 lambda: (observed_instance(self.observer.latest() or {}, APP, self.iid) or {})
                 .get("status") == "UP", 60, watch=watch, interval=0.5)
        wait_for("3 renewals answered 200",
                 lambda: self.counts().get("renew", {}).get("200", 0) >= 3, 30, watch=watch,
                 interval=0.5)
        c = self.counts()
        fetches = sum(c.get(r, {}).get("200", 0) for r in ("apps_full", "apps_delta"))
        refused = {r: n for r, codes in c.items() for code, n in codes.items()
                   if code in ("401", "403")}
        return "registered, %d renewals, %d fetches answered 200 (refusals so far: %s)" % (
            c["renew"]["200"], fetches, refused or "none")

    def step_wrong_credentials_refused(self):
        before = self.counts().get("register", {}).get("401", 0)
        self.intruder = self.start_app("intruder", "127.0.0.1:interop-java:intruder", "wrong")
        watch = [("the second app", self.intruder), ("server", self.server)]
        wait_for("3 registrations refused with 401",
                 lambda: self.counts().get("register", {}).get("401", 0) >= before + 3,
                 self.args.client_timeout, watch=watch, interval=0.5)
        insts = self.app_instances()
        if "127.0.0.1:interop-java:intruder" in insts:
            raise StepFailed("the app with the wrong password is registered")
        if insts.get(self.iid, {}).get("status") != "UP":
            raise StepFailed("the first app is no longer UP: %s" % insts.get(self.iid))
        refused = self.counts().get("register", {}).get("401", 0) - before
        self.intruder.kill()
        self.intruder = None
        return "%d registrations answered 401, nothing registered" % refused

    def step_role_limits(self):
        before = self.app_instances()
        other = instance_doc("PAYMENT", "pay-1")
        status, _ = self.call("POST", self.base + "/apps/PAYMENT", body=other, headers=basic("orders"))
        if status != 403:
            raise StepFailed("a registration of PAYMENT by orders answered %s, not 403" % status)
        replicated = dict(basic("orders"))
        replicated["x-netflix-discovery-replication"] = "true"
        status, _ = self.call("DELETE", "%s/apps/%s/%s" % (self.base, APP, self.iid),
                              headers=replicated)
        if status != 403:
            raise StepFailed("a replicated cancel by orders answered %s, not 403" % status)
        status, _ = self.call("PUT", "%s/apps/%s/%s/status?value=OUT_OF_SERVICE"
                              % (self.base, APP, self.iid), headers=basic("reader"))
        if status != 403:
            raise StepFailed("an override by the reader answered %s, not 403" % status)
        after = self.app_instances()
        if set(after) != set(before) or after[self.iid]["status"] != "UP":
            raise StepFailed("the registry changed: %s -> %s" % (sorted(before), sorted(after)))
        status, _ = self.get("/apps/PAYMENT")
        if status != 404:
            raise StepFailed("PAYMENT exists after a refused registration (%s)" % status)
        return "other application, replicated write and reader's override refused with 403"

    def step_graceful_shutdown_cancel(self):
        before = self.counts().get("cancel", {}).get("200", 0)
        self.client.signal(15)
        wait_for("the instance gone", lambda: self.iid not in self.app_instances(), 60,
                 watch=[("server", self.server)], interval=0.5)
        cancels = self.counts().get("cancel", {}).get("200", 0) - before
        if cancels < 1:
            raise StepFailed("the instance is gone but no cancel was answered 200")
        return "cancelled with its credentials"

    def run(self):
        try:
            ok = self.run_step("secured_server_start", self.step_secured_server_start)
            ok = self.run_step("basic_auth_in_default_zone", self.step_basic_auth_in_default_zone,
                               prerequisite_ok=ok)
            self.run_step("wrong_credentials_refused", self.step_wrong_credentials_refused,
                          prerequisite_ok=ok)
            self.run_step("role_limits", self.step_role_limits, prerequisite_ok=ok)
            self.run_step("graceful_shutdown_cancel", self.step_graceful_shutdown_cancel,
                          prerequisite_ok=ok)
        except Aborted as e:
            self.record_aborted(STEPS, e)
        finally:
            if self.any_failed():
                self.print_tails((self.server, self.client, self.intruder), self.args.tail)
            self.kill_all((self.intruder, self.client, self.server))
            log("logs in %s" % self.log_dir)
        passed = self.summary()
        return 0 if passed == len(self.results) else 1


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--node", required=True, help="caf-eureka-node binary")
    p.add_argument("--jar", default=os.path.join(here, "target", "interop-java-client.jar"))
    p.add_argument("--java", default=os.environ.get("JAVA", "java"))
    p.add_argument("--jvm-opts", default=os.environ.get(
        "INTEROP_JVM_OPTS", "-Xmx256m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1"))
    p.add_argument("--server-timeout", type=float, default=60.0)
    p.add_argument("--client-timeout", type=float, default=150.0)
    p.add_argument("--overall-timeout", type=float, default=480.0)
    p.add_argument("--log-dir", help="where the logs go (default: a temp dir)")
    p.add_argument("--tail", type=int, default=60, help="log lines shown per process on failure")
    args = p.parse_args()
    for path, what in ((args.jar, "--jar"), (args.node, "--node")):
        if not os.path.isfile(path):
            p.error("%s %s: no such file" % (what, path))
    return run_main(lambda: Scenario(args).run(), args.overall_timeout)


if __name__ == "__main__":
    sys.exit(main())
