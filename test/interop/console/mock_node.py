#!/usr/bin/env python3
"""Development aid only (the tests run against a real caf-eureka-node): serves console/ as the
gateway does (`/` is console/index.html, `/console/<file>` the rest) and canned admin API answers
shaped like docs/admin-api.md, so the page can be worked on without building the node.

  python3 test/interop/console/mock_node.py [--port 8799] [--instances 40] [--apps 5]

Users: alice/secret (admin), bob/secret (read). Actions change the in-memory registry.
"""

import argparse
import base64
import json
import os
import random
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "console"))
USERS = {"alice": ("secret", ["admin", "read"]), "bob": ("secret", ["read"])}
STATUSES = ["UP", "DOWN", "STARTING", "OUT_OF_SERVICE", "UNKNOWN"]
STARTED = int(time.time() * 1000)
APPS = {}


def make_registry(n_apps, n_instances):
    rnd = random.Random(7)
    names = ["ORDER", "PAYMENT", "INVENTORY", "GATEWAY", "USER-PROFILE", "<script>alert(1)</script>"]
    names += ["SERVICE-%03d" % i for i in range(max(0, n_apps - len(names)))]
    names = names[:n_apps]
    now = int(time.time() * 1000)
    for k in range(n_instances):
        app = names[k % len(names)]
        iid = "%s-i-%d" % (app.lower(), k)
        status = rnd.choice(["UP"] * 8 + ["DOWN", "STARTING"])
        APPS.setdefault(app, {})[iid] = {
            "instanceId": iid, "hostName": "host-%d.example" % k, "app": app, "ipAddr": "10.0.%d.%d" % (k // 250, k % 250),
            "status": status, "overriddenStatus": "UNKNOWN",
            "port": {"$": 8080, "@enabled": "true"}, "securePort": {"$": 443, "@enabled": "false"},
            "countryId": 1,
            "dataCenterInfo": {"@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo", "name": "MyOwn"},
            "leaseInfo": {"renewalIntervalInSecs": 30, "durationInSecs": 90, "registrationTimestamp": now - 60000,
                          "lastRenewalTimestamp": now - 5000, "evictionTimestamp": 0, "serviceUpTimestamp": now - 59000},
            "metadata": {"zone": rnd.choice(["zone-a", "zone-b"]), "version": "1.%d" % (k % 7),
                         "evil": "<img src=x onerror=alert(1)>"},
            "homePageUrl": "http://host-%d.example:8080/" % k, "statusPageUrl": "http://host-%d.example:8080/info" % k,
            "healthCheckUrl": "javascript:alert(1)" if k == 0 else "http://host-%d.example:8080/health" % k,
            "vipAddress": app.lower(), "secureVipAddress": app.lower(),
            "isCoordinatingDiscoveryServer": "false",
            "lastUpdatedTimestamp": str(now), "lastDirtyTimestamp": str(now), "actionType": "ADDED",
        }


def counts(instances):
    c = {s: 0 for s in STATUSES}
    for i in instances:
        c[i["status"]] = c.get(i["status"], 0) + 1
    return c


def load():
    return {"mailbox_depth": random.randint(0, 3), "messages_total": random.randint(100, 100000),
            "messages_per_second": round(random.random() * 20, 1)}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, code, body, ctype="application/json; charset=utf-8", extra=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def user(self):
        h = self.headers.get("Authorization")
        if not h:
            return None, None
        try:
            u, _, p = base64.b64decode(h.split(" ", 1)[1]).decode().partition(":")
        except Exception:
            return False, None
        if u in USERS and USERS[u][0] == p:
            return u, USERS[u][1]
        return False, None

    def unauthorized(self):
        self.send(401, {"error": "wrong user or password"},
                  extra={"WWW-Authenticate": 'Basic realm="caf-eureka admin", charset="UTF-8"'})

    def do_GET(self):
        path = urllib.parse.urlparse(self.path).path
        if path == "/" or path.startswith("/console/"):
            name = "index.html" if path == "/" else path[len("/console/"):]
            fp = os.path.join(ROOT, os.path.basename(name))
            if not os.path.isfile(fp):
                return self.send(404, {"error": "not found"})
            ctype = {"html": "text/html", "js": "text/javascript", "css": "text/css"}[fp.rsplit(".", 1)[1]]
            with open(fp, "rb") as f:
                return self.send(200, f.read(), ctype + "; charset=utf-8")
        user, roles = self.user()
        if user is False:
            return self.unauthorized()
        now = int(time.time() * 1000)
        all_inst = [i for a in APPS.values() for i in a.values()]
        if path == "/admin/api/session":
            return self.send(200, {"user": user, "roles": roles or [], "actions_enabled": True, "read_without_auth": True})
        if path == "/admin/api/overview":
            return self.send(200, {
                "node": {"version": "0.1.0", "host": "mock-node", "ip": "127.0.0.1", "port": self.server.server_port,
                         "environment": "test", "data_center": "default", "node_id": "mock-1", "cluster": "caf-eureka",
                         "current_time_ms": now, "started_ms": STARTED, "uptime_ms": now - STARTED, "uptime": "00:01"},
                "registry": {"applications": len(APPS), "instances": len(all_inst), "status_counts": counts(all_inst),
                             "lease_expiration_enabled": False, "self_preservation_enabled": True,
                             "self_preservation_active": True, "renews_last_minute": 3, "renew_threshold": 21,
                             "evictions_total": 0,
                             "banner": "EMERGENCY! EUREKA MAY BE INCORRECTLY CLAIMING INSTANCES ARE UP WHEN THEY'RE NOT. RENEWALS ARE LESSER THAN THRESHOLD AND HENCE THE INSTANCES ARE NOT BEING EXPIRED JUST TO BE SAFE."},
                "replicas": [{"url": "http://eureka-2:8761/eureka/", "kind": "caf-eureka", "available": True},
                             {"url": "http://eureka-3:8761/eureka/", "kind": "java", "available": False}],
                "general": {"num-of-cpus": "2", "total-avail-memory": "512mb", "current-memory-usage": "40mb (7%)",
                            "server-uptime": "00:01", "registered-replicas": "http://eureka-2:8761/eureka/",
                            "available-replicas": "http://eureka-2:8761/eureka/", "unavailable-replicas": ""},
                "ready": True, "base_paths": ["/eureka"]})
        if path == "/admin/api/actors":
            regs = [{"app": a, "instances": len(v), "status_counts": counts(v.values()),
                     "overrides": sum(1 for i in v.values() if i["overriddenStatus"] != "UNKNOWN"),
                     "registrations_total": len(v), "renewals_total": 40 * len(v), "cancels_total": 0,
                     "evictions_total": 0, "status_changes_total": 0, "renews_last_minute": 2 * len(v), "load": load()}
                    for a, v in APPS.items()]
            return self.send(200, {
                "directory": {"applications": len(APPS), "registry_actors": len(APPS), "instances": len(all_inst),
                              "cached_payloads": 4, "cached_payload_bytes": 18000, "delta_queue_length": 5,
                              "delta_queue_bytes": 4100, "registrations_total": len(all_inst), "renewals_total": 480,
                              "cancels_total": 0, "evictions_total": 0, "status_changes_total": 1, "load": load()},
                "registries": regs, "registries_unanswered": 0,
                "eviction": {"last_sweep_ms": now - 1200, "next_sweep_ms": now + 58800, "sweeps_total": 9,
                             "last_expired": 0, "last_evicted": 0, "evictions_total": 0, "leases": len(all_inst),
                             "renews_last_minute": 3, "renew_threshold": 21, "lease_expiration_enabled": False,
                             "self_preservation_enabled": True, "self_preservation_active": True,
                             "decision": "renewals in the last minute (3) below the threshold (21): self-preservation, nothing is evicted",
                             "load": load()},
                "replication": {"ready": True, "peers": [
                    {"url": "http://eureka-2:8761/eureka/", "kind": "caf-eureka", "link_up": True, "node_id": "n-2",
                     "queued_bytes": 0, "queued_items": 0, "batches_in_flight": 0, "batches_sent": 120, "items_sent": 900,
                     "heartbeats_coalesced": 4000, "failures": 0, "overflows": 0, "catch_ups": 0,
                     "last_ack_ms": now - 300, "lag_ms": 3, "catching_up": False, "paused": False}]},
                "gateway": {"connections_open": 5, "connections_accepted": 90, "connections_rejected": 0,
                            "accepting": True, "bytes_received": 100000, "bytes_sent": 900000,
                            "output_buffered_bytes": 0, "output_pinned_bytes": 0,
                            "requests": [{"route": "renew", "code": 200, "count": 480},
                                         {"route": "admin_apps", "code": 200, "count": 12},
                                         {"route": "register", "code": 204, "count": len(all_inst)}]}})
        if path == "/admin/api/apps":
            return self.send(200, {"applications": {"versions__delta": "1", "apps__hashcode": "",
                                                    "application": [{"name": a, "instance": list(v.values())}
                                                                    for a, v in APPS.items()]}})
        parts = [urllib.parse.unquote(p) for p in path.split("/")[4:]]
        if path.startswith("/admin/api/apps/") and len(parts) == 2:
            inst = APPS.get(parts[0], {}).get(parts[1])
            return self.send(200, {"instance": inst}) if inst else self.send(404, {"error": "no such instance"})
        return self.send(404, {"error": "not found"})

    def action(self, method):
        user, roles = self.user()
        if user is False or user is None:
            return self.unauthorized()
        if "admin" not in roles:
            return self.send(403, {"error": "the admin role is needed"})
        u = urllib.parse.urlparse(self.path)
        parts = [urllib.parse.unquote(p) for p in u.path.split("/")[4:]]
        inst = APPS.get(parts[0], {}).get(parts[1]) if len(parts) >= 2 else None
        if inst is None:
            return self.send(404, {"error": "no such instance"})
        if len(parts) == 2 and method == "DELETE":
            del APPS[parts[0]][parts[1]]
            if not APPS[parts[0]]:
                del APPS[parts[0]]
            result = "deregistered"
        elif len(parts) == 3 and method == "PUT":
            v = urllib.parse.parse_qs(u.query).get("value", [""])[0]
            if v not in STATUSES:
                return self.send(400, {"error": "bad value"})
            inst["status"] = inst["overriddenStatus"] = v
            result = "override set to " + v
        elif len(parts) == 3 and method == "DELETE":
            inst["status"], inst["overriddenStatus"] = "UNKNOWN", "UNKNOWN"
            result = "override removed"
        else:
            return self.send(404, {"error": "not found"})
        self.send(200, {"result": result, "app": parts[0], "id": parts[1]})

    def do_PUT(self):
        self.action("PUT")

    def do_DELETE(self):
        self.action("DELETE")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8799)
    ap.add_argument("--apps", type=int, default=5)
    ap.add_argument("--instances", type=int, default=40)
    args = ap.parse_args()
    make_registry(args.apps, args.instances)
    srv = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print("mock node on http://127.0.0.1:%d/" % args.port, flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
