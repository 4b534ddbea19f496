// Interop scenario: the real hudl/fargo Eureka client (Go) against caf-eureka-node.
//
//	fargo-interop --node build/apps/caf-eureka-node [--log-dir DIR] [--keep-logs]
//
// Starts the node on a free loopback port (own process group, always killed), then drives fargo's
// public API in its default XML mode and in JSON mode (UseJson = true) and checks what fargo parses:
// register (GET, POST 204, GET back), heartbeat, GetApps, GetApp, GetInstance, VIP and secure VIP
// lookups, status override, metadata updates, lease expiry and re-registration, deregistration.
// Server-side counts come from GET /metrics. Every wait is bounded; the last line printed is
// `N passed, M failed`, and the exit code is non-zero on any failure.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hudl/fargo"
	logging "github.com/op/go-logging"
)

const (
	overallDeadline = 100 * time.Second
	httpTimeout     = 5 * time.Second
)

// ---------------------------------------------------------------------------------------------
// logs

func logf(format string, args ...interface{}) {
	fmt.Printf("[%s] %s\n", time.Now().Format("15:04:05.000"), fmt.Sprintf(format, args...))
}

// syncBuffer collects fargo's own log and the wire log of every request fargo sends.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func tailLines(text string, n int) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// ---------------------------------------------------------------------------------------------
// wire recorder: wraps fargo's HTTP transport, so checks can see what fargo sent and got back

type exchange struct {
	Method, Path, RawQuery, ContentType, Accept string
	Code                                        int
	RespType                                    string
	ReqBody                                     string
	Gzipped                                     bool // the response was gzip, inflated by Go's transport
}

type recorder struct {
	next http.RoundTripper
	log  io.Writer
	mu   sync.Mutex
	all  []exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	ex := exchange{Method: req.Method, Path: req.URL.Path, RawQuery: req.URL.RawQuery,
		ContentType: req.Header.Get("Content-Type"), Accept: req.Header.Get("Accept")}
	if req.Body != nil && req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			b, _ := io.ReadAll(io.LimitReader(rc, 8192))
			rc.Close()
			ex.ReqBody = string(b)
		}
	}
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		fmt.Fprintf(r.log, "WIRE %s %s -> error %v\n", req.Method, req.URL.RequestURI(), err)
		ex.Code = -1
	} else {
		ex.Code = resp.StatusCode
		ex.RespType = resp.Header.Get("Content-Type")
		ex.Gzipped = resp.Uncompressed
		fmt.Fprintf(r.log, "WIRE %s %s [%s] -> %d [%s] gzip=%v\n", req.Method, req.URL.RequestURI(),
			ex.ContentType, resp.StatusCode, ex.RespType, ex.Gzipped)
	}
	r.mu.Lock()
	r.all = append(r.all, ex)
	r.mu.Unlock()
	return resp, err
}

func (r *recorder) mark() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.all)
}

func (r *recorder) since(mark int) []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]exchange(nil), r.all[mark:]...)
}

func describe(exs []exchange) string {
	parts := make([]string, 0, len(exs))
	for _, e := range exs {
		parts = append(parts, fmt.Sprintf("%s %s -> %d", e.Method, e.Path, e.Code))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// ---------------------------------------------------------------------------------------------
// the node process

type node struct {
	url     string // an external server (--server-url): nothing started, no /metrics
	cmd     *exec.Cmd
	port    int
	logPath string
	done    chan struct{}
	once    sync.Once
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func startNode(binary, logDir string, port int) (*node, error) {
	var err error
	if port == 0 {
		if port, err = freePort(); err != nil {
			return nil, err
		}
	}
	logPath := filepath.Join(logDir, "node.log")
	out, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(binary,
		"--server.port="+strconv.Itoa(port),
		"--server.address=127.0.0.1",
		"--eureka.server.eviction-interval-timer-in-ms=1000",
		"--eureka.server.enable-self-preservation=false",
		"--eureka.server.response-cache-update-interval-ms=1000",
		"--logging.level=debug")
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.Stdin = nil
	// Own process group (stop() kills it whole); SIGKILL if this program dies without cleaning up
	// (Pdeathsig follows the creating thread: main() is locked to the main thread, see init).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		out.Close()
		return nil, err
	}
	n := &node{cmd: cmd, port: port, logPath: logPath, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		out.Close()
		close(n.done)
	}()
	return n, nil
}

func (n *node) exited() bool {
	if n.cmd == nil {
		return false
	}
	select {
	case <-n.done:
		return true
	default:
		return false
	}
}

// stop terminates the node's whole process group: SIGTERM, then SIGKILL after 3 s.
func (n *node) stop() {
	if n.cmd == nil {
		return
	}
	n.once.Do(func() {
		pgid := n.cmd.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-n.done:
		case <-time.After(3 * time.Second):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			select {
			case <-n.done:
			case <-time.After(2 * time.Second):
			}
		}
	})
}

func (n *node) logTail(lines int) string {
	if n.cmd == nil {
		return "(external server: no log)"
	}
	b, err := os.ReadFile(n.logPath)
	if err != nil {
		return "(no node log: " + err.Error() + ")"
	}
	return tailLines(string(b), lines)
}

func (n *node) base() string {
	if n.url != "" {
		return n.url
	}
	return fmt.Sprintf("http://127.0.0.1:%d", n.port)
}

// plain HTTP client for the scenario's own requests (metrics, readiness); not fargo's.
var probe = &http.Client{Timeout: httpTimeout}

func httpGet(url string, header map[string]string) (int, string, http.Header, error) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return 0, "", nil, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := probe.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header, err
}

var metricLine = regexp.MustCompile(`^eureka_http_requests_total\{([^}]*)\}\s+([0-9.eE+-]+)`)
var labelPair = regexp.MustCompile(`(\w+)="([^"]*)"`)

// metrics returns eureka_http_requests_total by "route/code".
func (n *node) metrics() (map[string]float64, error) {
	code, body, _, err := httpGet(n.base()+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	if code != 200 {
		return nil, fmt.Errorf("GET /metrics: %d", code)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		m := metricLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		labels := map[string]string{}
		for _, p := range labelPair.FindAllStringSubmatch(m[1], -1) {
			labels[p[1]] = p[2]
		}
		v, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			continue
		}
		out[labels["route"]+"/"+labels["code"]] += v
	}
	return out, nil
}

// ---------------------------------------------------------------------------------------------
// checks and steps

type check struct {
	failures []string
}

func (c *check) fail(format string, args ...interface{}) {
	msg := fmt.Sprintf(format, args...)
	c.failures = append(c.failures, msg)
	logf("    FAIL %s", msg)
}

func (c *check) ok() bool { return len(c.failures) == 0 }

// that records a failure unless cond holds.
func (c *check) that(cond bool, format string, args ...interface{}) bool {
	if !cond {
		c.fail(format, args...)
	}
	return cond
}

func (c *check) eq(what string, got, want interface{}) bool {
	return c.that(fmt.Sprint(got) == fmt.Sprint(want), "%s: got %q, want %q", what, fmt.Sprint(got), fmt.Sprint(want))
}

func (c *check) noErr(what string, err error) bool {
	return c.that(err == nil, "%s: unexpected error: %v", what, err)
}

// errCode asserts that err is fargo's unsuccessfulHTTPResponse carrying the given code.
func (c *check) errCode(what string, err error, want int) bool {
	if err == nil {
		c.fail("%s: no error, want HTTP %d", what, want)
		return false
	}
	code, present := fargo.HTTPResponseStatusCode(err)
	return c.that(present && code == want, "%s: error %v (code %d, present %v), want HTTP %d", what, err, code, present, want)
}

// poll calls fn until it returns nil or the deadline passes; returns the last error.
func poll(timeout time.Duration, fn func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := fn()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type scenario struct {
	node      *node
	rec       *recorder
	clientLog *syncBuffer
	fargoBase string // where fargo sends its requests: the node, or --fargo-url
	passed    int
	failed    int
	failedIDs []string
}

func (s *scenario) step(name string, fn func(c *check)) {
	logf("STEP %s", name)
	c := &check{}
	func() {
		defer func() {
			if r := recover(); r != nil {
				c.fail("panic: %v", r)
			}
		}()
		fn(c)
	}()
	if s.node.exited() {
		c.fail("the node exited")
	}
	if c.ok() {
		s.passed++
		logf("PASS %s", name)
		return
	}
	s.failed++
	s.failedIDs = append(s.failedIDs, name)
	logf("FAIL %s", name)
	fmt.Printf("---- node log (tail) ----\n%s\n---- fargo log and wire (tail) ----\n%s\n-------------------------\n",
		s.node.logTail(25), tailLines(s.clientLog.String(), 25))
}

// ---------------------------------------------------------------------------------------------
// instances

type mode struct {
	name    string
	useJSON bool
	base    string // service URL path
	app     string // as fargo sends it (case kept)
	appUp   string // as the server stores it
	vip     string
	svip    string
	otherSV string // b's secure VIP
	portA   int
	portB   int
}

func newInstance(m mode, id, host string, port int) *fargo.Instance {
	ins := &fargo.Instance{
		InstanceId:        id,
		HostName:          host,
		App:               m.app,
		IPAddr:            "127.0.0.1",
		VipAddress:        m.vip,
		SecureVipAddress:  m.svip,
		Status:            fargo.UP,
		Port:              port,
		PortEnabled:       true,
		SecurePort:        port + 1000,
		SecurePortEnabled: false,
		HomePageUrl:       fmt.Sprintf("http://%s:%d/", host, port),
		StatusPageUrl:     fmt.Sprintf("http://%s:%d/info", host, port),
		HealthCheckUrl:    fmt.Sprintf("http://%s:%d/health", host, port),
		DataCenterInfo:    fargo.DataCenterInfo{Name: fargo.MyOwn},
		LeaseInfo:         fargo.LeaseInfo{RenewalIntervalInSecs: 10, DurationInSecs: 30},
	}
	ins.SetMetadataString("zone", "alpha")
	return ins
}

// checkInstance asserts the fields fargo parsed from the server's copy of `want`.
func checkInstance(c *check, what string, got *fargo.Instance, want *fargo.Instance, m mode, status fargo.StatusType) {
	if !c.that(got != nil, "%s: instance missing", what) {
		return
	}
	// The server keeps the instanceId as sent (the Java server echoes an empty one too) and keys the
	// instance by its id, which for an empty instanceId is the hostName; fargo's Id() does the same.
	c.eq(what+" instanceId", got.InstanceId, want.InstanceId)
	c.eq(what+" Id()", got.Id(), want.Id())
	c.eq(what+" app", got.App, m.appUp)
	c.eq(what+" hostName", got.HostName, want.HostName)
	c.eq(what+" ipAddr", got.IPAddr, "127.0.0.1")
	c.eq(what+" status", got.Status, status)
	c.eq(what+" port", got.Port, want.Port)
	c.eq(what+" port enabled", got.PortEnabled, true)
	c.eq(what+" securePort", got.SecurePort, want.SecurePort)
	c.eq(what+" securePort enabled", got.SecurePortEnabled, false)
	c.eq(what+" vipAddress", got.VipAddress, want.VipAddress)
	c.eq(what+" secureVipAddress", got.SecureVipAddress, want.SecureVipAddress)
	c.eq(what+" homePageUrl", got.HomePageUrl, want.HomePageUrl)
	c.eq(what+" healthCheckUrl", got.HealthCheckUrl, want.HealthCheckUrl)
	c.eq(what+" dataCenterInfo name", got.DataCenterInfo.Name, "MyOwn")
	c.eq(what+" leaseInfo durationInSecs", got.LeaseInfo.DurationInSecs, want.LeaseInfo.DurationInSecs)
	c.eq(what+" leaseInfo renewalIntervalInSecs", got.LeaseInfo.RenewalIntervalInSecs, want.LeaseInfo.RenewalIntervalInSecs)
	now := time.Now().UnixMilli()
	c.that(got.LeaseInfo.RegistrationTimestamp > now-120000 && got.LeaseInfo.RegistrationTimestamp <= now+1000,
		"%s: registrationTimestamp %d not within the last 2 minutes (now %d)", what, got.LeaseInfo.RegistrationTimestamp, now)
	zone, err := got.Metadata.GetString("zone")
	c.noErr(what+" metadata parse", err)
	c.eq(what+" metadata zone", zone, "alpha")
}

func findInstance(app *fargo.Application, id string) *fargo.Instance {
	if app == nil {
		return nil
	}
	for _, i := range app.Instances {
		if i != nil && i.Id() == id {
			return i
		}
	}
	return nil
}

func instanceIDs(list []*fargo.Instance) []string {
	ids := []string{}
	for _, i := range list {
		if i != nil {
			ids = append(ids, i.Id())
		}
	}
	sort.Strings(ids)
	return ids
}

// ---------------------------------------------------------------------------------------------
// the scenario for one format

func (s *scenario) metricDelta(c *check, before map[string]float64, key string, atLeast float64, exact bool) {
	if s.node.cmd == nil {
		return // an external server has no /metrics
	}
	after, err := s.node.metrics()
	if !c.noErr("GET /metrics", err) {
		return
	}
	d := after[key] - before[key]
	if exact {
		c.that(d == atLeast, "metric %s grew by %v, want exactly %v", key, d, atLeast)
	} else {
		c.that(d >= atLeast, "metric %s grew by %v, want at least %v", key, d, atLeast)
	}
}

func (s *scenario) metricsNow(c *check) map[string]float64 {
	if s.node.cmd == nil {
		return map[string]float64{}
	}
	m, err := s.node.metrics()
	c.noErr("GET /metrics", err)
	if m == nil {
		m = map[string]float64{}
	}
	return m
}

func (s *scenario) runMode(m mode) {
	conn := fargo.NewConn(s.fargoBase + m.base)
	conn.UseJson = m.useJSON
	conn.Timeout = httpTimeout
	conn.PollInterval = 200 * time.Millisecond
	e := &conn
	wantType := "application/xml"
	if m.useJSON {
		wantType = "application/json"
	}
	// a: empty instanceId (fargo's default: the server falls back to hostName); b: explicit id with ':'.
	a := newInstance(m, "", "fargo-"+m.name+"-a.local", m.portA)
	b := newInstance(m, "127.0.0.1:"+strings.ToLower(m.appUp)+":"+strconv.Itoa(m.portB), "127.0.0.1", m.portB)
	b.SecureVipAddress = m.otherSV
	idA := a.HostName
	idB := b.InstanceId
	wantA := *a
	wantB := *b

	s.step(m.name+"_register", func(c *check) {
		before := s.metricsNow(c)
		mark := s.rec.mark()
		c.noErr("RegisterInstance(a)", e.RegisterInstance(a))
		wire := s.rec.since(mark)
		// fargo: GET the instance (404: not there yet), POST it (204 only), GET it back.
		if c.that(len(wire) == 3, "RegisterInstance(a) wire: %s, want GET 404, POST 204, GET 200", describe(wire)) {
			c.that(wire[0].Method == "GET" && wire[0].Code == 404, "first request %s %s -> %d, want GET 404", wire[0].Method, wire[0].Path, wire[0].Code)
			c.that(wire[1].Method == "POST" && wire[1].Code == 204, "second request %s %s -> %d, want POST 204", wire[1].Method, wire[1].Path, wire[1].Code)
			c.eq("POST Content-Type", wire[1].ContentType, wantType)
			if !m.useJSON {
				// what makes fargo's XML special: empty <instanceId>, dataCenterInfo without class.
				c.that(strings.Contains(wire[1].ReqBody, "<instanceId></instanceId>"), "fargo's XML body has no empty <instanceId>: %s", wire[1].ReqBody)
				c.that(strings.Contains(wire[1].ReqBody, "<dataCenterInfo><name>MyOwn</name>"), "fargo's XML body has a dataCenterInfo with attributes: %s", wire[1].ReqBody)
			} else {
				c.that(strings.Contains(wire[1].ReqBody, `"$":"`+strconv.Itoa(m.portA)+`"`), "fargo's JSON body has no string port: %s", wire[1].ReqBody)
				c.that(strings.Contains(wire[1].ReqBody, `"instanceId":""`), "fargo's JSON body has no empty instanceId: %s", wire[1].ReqBody)
			}
			c.that(wire[2].Method == "GET" && wire[2].Code == 200, "third request %s %s -> %d, want GET 200", wire[2].Method, wire[2].Path, wire[2].Code)
			c.eq("GET-back Content-Type", strings.Split(wire[2].RespType, ";")[0], wantType)
		}
		// RegisterInstance read the server's copy back into a.
		checkInstance(c, "a (read back)", a, &wantA, m, fargo.UP)
		c.noErr("RegisterInstance(b)", e.RegisterInstance(b))
		checkInstance(c, "b (read back)", b, &wantB, m, fargo.UP)
		s.metricDelta(c, before, "register/204", 2, true)

		// Registering again is a no-op for fargo: its GET finds the instance (200), no POST.
		before = s.metricsNow(c)
		mark = s.rec.mark()
		c.noErr("RegisterInstance(a) again", e.RegisterInstance(a))
		wire = s.rec.since(mark)
		c.that(len(wire) == 1 && wire[0].Method == "GET" && wire[0].Code == 200,
			"second RegisterInstance(a) wire: %s, want only GET 200", describe(wire))
		s.metricDelta(c, before, "register/204", 0, true)

		// ReregisterInstance always POSTs (what a fargo user does after a heartbeat 404).
		before = s.metricsNow(c)
		c.noErr("ReregisterInstance(b)", e.ReregisterInstance(b))
		s.metricDelta(c, before, "register/204", 1, true)
		checkInstance(c, "b (re-registered)", b, &wantB, m, fargo.UP)
	})

	s.step(m.name+"_heartbeat", func(c *check) {
		ins, err := e.GetInstance(m.app, idA)
		if !c.noErr("GetInstance(a)", err) {
			return
		}
		first := ins.LeaseInfo.LastRenewalTimestamp
		before := s.metricsNow(c)
		time.Sleep(20 * time.Millisecond) // so that a renewal has a later millisecond
		c.noErr("HeartBeatInstance(a)", e.HeartBeatInstance(a))
		c.noErr("HeartBeatInstance(b)", e.HeartBeatInstance(b))
		s.metricDelta(c, before, "renew/200", 2, true)
		// the renewal shows in lastRenewalTimestamp (re-encoded every response-cache-update-interval-ms = 1 s)
		err = poll(5*time.Second, func() error {
			ins, err := e.GetInstance(m.app, idA)
			if err != nil {
				return err
			}
			if ins.LeaseInfo.LastRenewalTimestamp <= first {
				return fmt.Errorf("lastRenewalTimestamp still %d (before the heartbeat: %d)", ins.LeaseInfo.LastRenewalTimestamp, first)
			}
			return nil
		})
		c.noErr("lastRenewalTimestamp grows after HeartBeatInstance", err)
		// a heartbeat for an instance the server does not know: 404, fargo reports the code
		ghost := newInstance(m, "ghost-"+m.name, "ghost.local", 9)
		c.errCode("HeartBeatInstance(unknown)", e.HeartBeatInstance(ghost), 404)
	})

	s.step(m.name+"_get_apps", func(c *check) {
		mark := s.rec.mark()
		apps, err := e.GetApps()
		if !c.noErr("GetApps", err) {
			return
		}
		wire := s.rec.since(mark)
		if c.that(len(wire) == 1, "GetApps wire: %s", describe(wire)) {
			c.eq("GetApps path", wire[0].Path, m.base+"/apps")
			c.eq("GetApps Accept", wire[0].Accept, wantType)
			c.eq("GetApps response type", strings.Split(wire[0].RespType, ";")[0], wantType)
			c.that(wire[0].Gzipped, "GetApps: the response was not gzip (Go's transport asks for it)")
		}
		app := apps[m.appUp]
		if !c.that(app != nil, "GetApps: no application %s (got %d apps)", m.appUp, len(apps)) {
			return
		}
		c.eq("GetApps app name", app.Name, m.appUp)
		c.eq("GetApps instance ids", instanceIDs(app.Instances), sortedIDs(idA, idB))
		checkInstance(c, "GetApps a", findInstance(app, idA), &wantA, m, fargo.UP)
		checkInstance(c, "GetApps b", findInstance(app, idB), &wantB, m, fargo.UP)
		// the raw document: versions__delta and apps__hashcode as fargo decodes them
		hdr := map[string]string{"Accept": wantType}
		code, body, _, err := httpGet(s.node.base()+m.base+"/apps", hdr)
		if c.noErr("GET apps", err) && c.eq("GET apps code", code, 200) {
			c.that(strings.Contains(body, "apps__hashcode"), "GET apps has no apps__hashcode: %.200s", body)
		}
	})

	s.step(m.name+"_get_app", func(c *check) {
		app, err := e.GetApp(m.app)
		if !c.noErr("GetApp", err) {
			return
		}
		c.eq("GetApp name", app.Name, m.appUp)
		c.eq("GetApp instance ids", instanceIDs(app.Instances), sortedIDs(idA, idB))
		checkInstance(c, "GetApp a", findInstance(app, idA), &wantA, m, fargo.UP)
		checkInstance(c, "GetApp b", findInstance(app, idB), &wantB, m, fargo.UP)
		// metadata parsed by GetApp (ParseAllMetadata)
		if ia := findInstance(app, idA); ia != nil {
			c.eq("GetApp a metadata map zone", ia.Metadata.GetMap()["zone"], "alpha")
		}
		_, err = e.GetApp("NO-SUCH-APP-" + m.name)
		var nf fargo.AppNotFoundError
		c.that(errors.As(err, &nf), "GetApp(unknown): got %v, want AppNotFoundError", err)
	})

	s.step(m.name+"_get_instance", func(c *check) {
		ia, err := e.GetInstance(m.app, idA)
		if c.noErr("GetInstance(a)", err) {
			checkInstance(c, "GetInstance a", ia, &wantA, m, fargo.UP)
			c.eq("GetInstance a overriddenstatus", ia.Overriddenstatus, fargo.UNKNOWN)
		}
		ib, err := e.GetInstance(strings.ToUpper(m.app), idB)
		if c.noErr("GetInstance(b)", err) {
			checkInstance(c, "GetInstance b", ib, &wantB, m, fargo.UP)
		}
		_, err = e.GetInstance(m.app, "no-such-instance")
		c.errCode("GetInstance(unknown)", err, 404)
	})

	s.step(m.name+"_vips", func(c *check) {
		list, err := e.GetInstancesByVIPAddress(m.vip, false)
		if c.noErr("GetInstancesByVIPAddress(vip)", err) {
			c.eq("vip instance ids", instanceIDs(list), sortedIDs(idA, idB))
			for _, i := range list {
				c.eq("vip instance "+i.InstanceId+" vipAddress", i.VipAddress, m.vip)
				c.eq("vip instance "+i.InstanceId+" app", i.App, m.appUp)
				c.eq("vip instance "+i.InstanceId+" status", i.Status, fargo.UP)
				c.eq("vip instance "+i.InstanceId+" port enabled", i.PortEnabled, true)
			}
		}
		list, err = e.GetInstancesByVIPAddress(m.svip, true)
		if c.noErr("GetInstancesByVIPAddress(svip, secure)", err) {
			c.eq("svip instance ids", instanceIDs(list), []string{idA})
			if len(list) == 1 {
				c.eq("svip instance securePort", list[0].SecurePort, wantA.SecurePort)
			}
		}
		list, err = e.GetInstancesByVIPAddress(m.otherSV, true, fargo.ThatAreUp)
		if c.noErr("GetInstancesByVIPAddress(other svip, secure, ThatAreUp)", err) {
			c.eq("other svip instance ids", instanceIDs(list), []string{idB})
		}
		// the VIP address is no secure VIP: the secure lookup finds nothing
		list, err = e.GetInstancesByVIPAddress(m.vip, true)
		if c.noErr("GetInstancesByVIPAddress(vip, secure)", err) {
			c.eq("vip as svip instance ids", instanceIDs(list), []string{})
		}
		list, err = e.GetInstancesByVIPAddress("no-such-vip."+m.name, false)
		if c.noErr("GetInstancesByVIPAddress(unknown)", err) {
			c.eq("unknown vip instance count", len(list), 0)
		}
	})

	s.step(m.name+"_status_override", func(c *check) {
		// fargo's polling VIP source (what a fargo user load-balances from), UP instances only
		source, err := e.NewInstanceSetSourceForVIPAddress(m.vip, false, true, fargo.ThatAreUp)
		if !c.noErr("NewInstanceSetSourceForVIPAddress", err) {
			return
		}
		defer source.Stop()
		c.eq("VIP source, first poll", instanceIDs(source.Latest()), sortedIDs(idA, idB))
		before := s.metricsNow(c)
		c.noErr("UpdateInstanceStatus(a, OUT_OF_SERVICE)", e.UpdateInstanceStatus(a, fargo.OUTOFSERVICE))
		c.noErr("VIP source drops a", poll(5*time.Second, func() error {
			if got := instanceIDs(source.Latest()); fmt.Sprint(got) != fmt.Sprint([]string{idB}) {
				return fmt.Errorf("VIP source still has %v", got)
			}
			return nil
		}))
		s.metricDelta(c, before, "status_update/200", 1, true)
		// A single-instance XML read shows OUT_OF_SERVICE as DOWN, as the Java
		// server does (V1AwareInstanceInfoConverter with no request version,
		// contract §2.6, seen on the wire; docs/compatibility.md). JSON and the
		// application/registry documents carry the real status.
		singleStatus := fargo.OUTOFSERVICE
		if !m.useJSON {
			singleStatus = fargo.DOWN
		}
		ia, err := e.GetInstance(m.app, idA)
		if c.noErr("GetInstance(a)", err) {
			c.eq("a status", ia.Status, singleStatus)
			c.eq("a overriddenstatus", ia.Overriddenstatus, fargo.OUTOFSERVICE)
		}
		// fargo's heartbeat carries no status: the override survives it
		c.noErr("HeartBeatInstance(a)", e.HeartBeatInstance(a))
		ia, err = e.GetInstance(m.app, idA)
		if c.noErr("GetInstance(a) after heartbeat", err) {
			c.eq("a status after heartbeat", ia.Status, singleStatus)
		}
		app, err := e.GetApp(m.app)
		if c.noErr("GetApp", err) {
			if ga := findInstance(app, idA); c.that(ga != nil, "GetApp: a missing") {
				c.eq("GetApp a status", ga.Status, fargo.OUTOFSERVICE)
			}
			if gb := findInstance(app, idB); c.that(gb != nil, "GetApp: b missing") {
				c.eq("GetApp b status", gb.Status, fargo.UP)
			}
		}
		list, err := e.GetInstancesByVIPAddress(m.vip, false, fargo.ThatAreUp)
		if c.noErr("GetInstancesByVIPAddress(vip, ThatAreUp)", err) {
			c.eq("up vip instance ids", instanceIDs(list), []string{idB})
		}
		list, err = e.GetInstancesByVIPAddress(m.vip, false, fargo.WithStatus(fargo.OUTOFSERVICE))
		if c.noErr("GetInstancesByVIPAddress(vip, WithStatus(OUT_OF_SERVICE))", err) {
			c.eq("out-of-service vip instance ids", instanceIDs(list), []string{idA})
		}
		code, body, _, err := httpGet(s.node.base()+m.base+"/apps", map[string]string{"Accept": wantType})
		if c.noErr("GET apps", err) && c.eq("GET apps code", code, 200) {
			c.that(strings.Contains(body, "OUT_OF_SERVICE_1_"), "apps__hashcode does not count the OUT_OF_SERVICE instance: %.300s", body)
		}
		// back in service
		c.noErr("UpdateInstanceStatus(a, UP)", e.UpdateInstanceStatus(a, fargo.UP))
		ia, err = e.GetInstance(m.app, idA)
		if c.noErr("GetInstance(a) after UP", err) {
			c.eq("a status after UP", ia.Status, fargo.UP)
		}
		list, err = e.GetInstancesByVIPAddress(m.vip, false, fargo.ThatAreUp)
		if c.noErr("GetInstancesByVIPAddress(vip, ThatAreUp) after UP", err) {
			c.eq("up vip instance ids after UP", instanceIDs(list), sortedIDs(idA, idB))
		}
		c.noErr("VIP source has a again", poll(5*time.Second, func() error {
			if got := instanceIDs(source.Latest()); fmt.Sprint(got) != fmt.Sprint(sortedIDs(idA, idB)) {
				return fmt.Errorf("VIP source has %v", got)
			}
			return nil
		}))
		// a status for an unknown instance: 404
		ghost := newInstance(m, "ghost-"+m.name, "ghost.local", 9)
		c.errCode("UpdateInstanceStatus(unknown)", e.UpdateInstanceStatus(ghost, fargo.OUTOFSERVICE), 404)
	})

	s.step(m.name+"_metadata", func(c *check) {
		before := s.metricsNow(c)
		c.noErr("AddMetadataString(a, color, blue)", e.AddMetadataString(a, "color", "blue"))
		c.noErr("AddMetadataString(a, owner, team-go)", e.AddMetadataString(a, "owner", "team-go"))
		s.metricDelta(c, before, "metadata/200", 2, true)
		ia, err := e.GetInstance(m.app, idA)
		if c.noErr("GetInstance(a)", err) {
			for k, v := range map[string]string{"zone": "alpha", "color": "blue", "owner": "team-go"} {
				got, err := ia.Metadata.GetString(k)
				c.noErr("GetInstance a metadata "+k, err)
				c.eq("GetInstance a metadata "+k, got, v)
			}
			c.eq("a status after metadata", ia.Status, fargo.UP)
		}
		// a value with spaces and XML/URL specials: fargo sends it form-encoded (space as '+')
		note := `a&b <c> "d" 50% ok`
		c.noErr("AddMetadataString(a, note, ...)", e.AddMetadataString(a, "note", note))
		ia, err = e.GetInstance(m.app, idA)
		if c.noErr("GetInstance(a) after note", err) {
			got, err := ia.Metadata.GetString("note")
			c.noErr("GetInstance a metadata note", err)
			c.eq("GetInstance a metadata note", got, note)
		}
		// overwrite a value
		c.noErr("AddMetadataString(a, color, green)", e.AddMetadataString(a, "color", "green"))
		app, err := e.GetApp(m.app)
		if c.noErr("GetApp", err) {
			if ga := findInstance(app, idA); c.that(ga != nil, "GetApp: a missing") {
				c.eq("GetApp a metadata color", ga.Metadata.GetMap()["color"], "green")
				c.eq("GetApp a metadata owner", ga.Metadata.GetMap()["owner"], "team-go")
			}
			if gb := findInstance(app, idB); c.that(gb != nil, "GetApp: b missing") {
				_, has := gb.Metadata.GetMap()["color"]
				c.that(!has, "b got a's metadata")
			}
		}
		apps, err := e.GetApps()
		if c.noErr("GetApps", err) {
			if ga := findInstance(apps[m.appUp], idA); c.that(ga != nil, "GetApps: a missing") {
				v, err := ga.Metadata.GetString("color")
				c.noErr("GetApps a metadata color", err)
				c.eq("GetApps a metadata color", v, "green")
			}
		}
		list, err := e.GetInstancesByVIPAddress(m.svip, true)
		if c.noErr("GetInstancesByVIPAddress(svip)", err) && c.that(len(list) == 1, "svip: %d instances", len(list)) {
			v, err := list[0].Metadata.GetString("owner")
			c.noErr("svip a metadata owner", err)
			c.eq("svip a metadata owner", v, "team-go")
		}
		ghost := newInstance(m, "ghost-"+m.name, "ghost.local", 9)
		err = e.AddMetadataString(ghost, "k", "v")
		c.errCode("AddMetadataString(unknown)", err, 404)
	})

	s.step(m.name+"_deregister", func(c *check) {
		before := s.metricsNow(c)
		c.noErr("DeregisterInstance(a)", e.DeregisterInstance(a))
		_, err := e.GetInstance(m.app, idA)
		c.errCode("GetInstance(a) after deregister", err, 404)
		c.errCode("HeartBeatInstance(a) after deregister", e.HeartBeatInstance(a), 404)
		app, err := e.GetApp(m.app)
		if c.noErr("GetApp", err) {
			c.eq("GetApp instance ids after deregister(a)", instanceIDs(app.Instances), []string{idB})
		}
		list, err := e.GetInstancesByVIPAddress(m.svip, true)
		if c.noErr("GetInstancesByVIPAddress(svip)", err) {
			c.eq("svip instances after deregister(a)", len(list), 0)
		}
		c.noErr("DeregisterInstance(b)", e.DeregisterInstance(b))
		_, err = e.GetApp(m.app)
		var nf fargo.AppNotFoundError
		c.that(errors.As(err, &nf), "GetApp after deregistering both: got %v, want AppNotFoundError", err)
		apps, err := e.GetApps()
		if c.noErr("GetApps", err) {
			_, has := apps[m.appUp]
			c.that(!has, "GetApps still lists %s", m.appUp)
		}
		c.errCode("DeregisterInstance(b) again", e.DeregisterInstance(b), 404)
		s.metricDelta(c, before, "cancel/200", 2, true)
	})

	s.step(m.name+"_amazon_datacenter", func(c *check) {
		// fargo on EC2: no instanceId, an Amazon dataCenterInfo (no class attribute in XML);
		// fargo's Id() and the server's getId() are both the metadata's instance-id.
		host := "ip-10-0-0-7.ec2.internal"
		ins := newInstance(m, "", host, m.portA+50)
		ins.App = m.app + "-aws"
		ins.DataCenterInfo = fargo.DataCenterInfo{Name: fargo.Amazon, Metadata: fargo.AmazonMetadataType{
			InstanceID: "i-0fargo" + m.name, AmiID: "ami-0123456789", InstanceType: "t3.micro",
			AvailabilityZone: "us-east-1a", LocalIpv4: "10.0.0.7", LocalHostname: host, HostName: host,
			PublicHostname: "ec2-3-0-0-7.compute-1.amazonaws.com", PublicIpv4: "3.0.0.7"}}
		id := ins.Id()
		c.eq("fargo Id() before registration", id, "i-0fargo"+m.name)
		mark := s.rec.mark()
		c.noErr("RegisterInstance(aws)", e.RegisterInstance(ins))
		wire := s.rec.since(mark)
		c.that(len(wire) == 3 && wire[0].Code == 404 && wire[1].Code == 204 && wire[2].Code == 200 &&
			strings.HasSuffix(wire[2].Path, "/"+id), "RegisterInstance(aws) wire: %s, want GET .../%s 404, POST 204, GET 200", describe(wire), id)
		// RegisterInstance read the server's copy back into ins
		got, what := ins, "read back"
		c.eq(what+" Id()", got.Id(), id)
		c.eq(what+" app", got.App, strings.ToUpper(m.app+"-aws"))
		c.eq(what+" dataCenterInfo name", got.DataCenterInfo.Name, "Amazon")
		c.eq(what+" instance-id", got.DataCenterInfo.Metadata.InstanceID, "i-0fargo"+m.name)
		c.eq(what+" availability-zone", got.DataCenterInfo.Metadata.AvailabilityZone, "us-east-1a")
		c.eq(what+" ami-id", got.DataCenterInfo.Metadata.AmiID, "ami-0123456789")
		c.eq(what+" instance-type", got.DataCenterInfo.Metadata.InstanceType, "t3.micro")
		c.eq(what+" local-ipv4", got.DataCenterInfo.Metadata.LocalIpv4, "10.0.0.7")
		c.eq(what+" public-hostname", got.DataCenterInfo.Metadata.PublicHostname, "ec2-3-0-0-7.compute-1.amazonaws.com")
		c.eq(what+" port", got.Port, m.portA+50)
		app, err := e.GetApp(m.app + "-aws")
		if c.noErr("GetApp(aws)", err) {
			c.eq("GetApp(aws) ids", instanceIDs(app.Instances), []string{id})
			if len(app.Instances) == 1 {
				c.eq("GetApp(aws) availability-zone", app.Instances[0].DataCenterInfo.Metadata.AvailabilityZone, "us-east-1a")
			}
		}
		c.noErr("HeartBeatInstance(aws)", e.HeartBeatInstance(ins))
		c.noErr("DeregisterInstance(aws)", e.DeregisterInstance(ins))
		_, err = e.GetInstance(ins.App, id)
		c.errCode("GetInstance(aws) after deregister", err, 404)
	})
}

// ---------------------------------------------------------------------------------------------
// cross-format and lease steps

func (s *scenario) runCross(xmlConn, jsonConn *fargo.EurekaConnection) {
	s.step("cross_format", func(c *check) {
		m := mode{name: "cross", app: "fargo-cross", appUp: "FARGO-CROSS", vip: "fargo-cross.vip", svip: "fargo-cross.svip"}
		x := newInstance(m, "", "fargo-cross-x.local", 7301)
		j := newInstance(m, "fargo-cross-j", "fargo-cross-j.local", 7302)
		wantX, wantJ := *x, *j
		c.noErr("XML RegisterInstance(x)", xmlConn.RegisterInstance(x))
		c.noErr("JSON RegisterInstance(j)", jsonConn.RegisterInstance(j))
		for _, conn := range []*fargo.EurekaConnection{xmlConn, jsonConn} {
			kind := "XML"
			if conn.UseJson {
				kind = "JSON"
			}
			app, err := conn.GetApp(m.app)
			if c.noErr(kind+" GetApp", err) {
				checkInstance(c, kind+" reads x", findInstance(app, wantX.HostName), &wantX, m, fargo.UP)
				checkInstance(c, kind+" reads j", findInstance(app, wantJ.InstanceId), &wantJ, m, fargo.UP)
			}
		}
		c.noErr("XML DeregisterInstance(j)", xmlConn.DeregisterInstance(j))
		c.noErr("JSON DeregisterInstance(x)", jsonConn.DeregisterInstance(x))
		_, err := jsonConn.GetApp(m.app)
		var nf fargo.AppNotFoundError
		c.that(errors.As(err, &nf), "GetApp after deregistering both: got %v, want AppNotFoundError", err)
	})

	s.step("lease_expiry_and_reregister", func(c *check) {
		m := mode{name: "lease", app: "FARGO-LEASE", appUp: "FARGO-LEASE", vip: "fargo-lease.vip", svip: "fargo-lease.svip"}
		ins := newInstance(m, "fargo-lease-1", "fargo-lease.local", 7401)
		ins.LeaseInfo = fargo.LeaseInfo{RenewalIntervalInSecs: 1, DurationInSecs: 2}
		c.noErr("RegisterInstance", xmlConn.RegisterInstance(ins))
		c.eq("read back durationInSecs", ins.LeaseInfo.DurationInSecs, 2)
		// heartbeats keep it alive past its 2 s lease
		start := time.Now()
		lastBeat := start
		for time.Since(start) < 3*time.Second {
			lastBeat = time.Now()
			if !c.noErr("HeartBeatInstance", xmlConn.HeartBeatInstance(ins)) {
				break
			}
			time.Sleep(500 * time.Millisecond)
		}
		_, err := xmlConn.GetInstance(m.app, ins.Id())
		c.noErr("GetInstance while heartbeating", err)
		// No more heartbeats: once the 2 s lease has expired, GetInstance answers 404 at once (an
		// expired lease reads as absent, contract 3.10); the 1 s eviction sweep then removes it,
		// which GetApp shows (it still lists expired-but-not-evicted instances).
		err = poll(10*time.Second, func() error {
			_, err := xmlConn.GetInstance(m.app, ins.Id())
			if code, ok := fargo.HTTPResponseStatusCode(err); ok && code == 404 {
				return nil
			}
			return fmt.Errorf("instance still there (err %v)", err)
		})
		if c.noErr("expired after its lease", err) {
			c.that(time.Since(lastBeat) >= 2*time.Second, "gone %v after the last heartbeat, before its 2 s lease ran out", time.Since(lastBeat))
		}
		err = poll(10*time.Second, func() error {
			_, err := xmlConn.GetApp(m.app)
			var nf fargo.AppNotFoundError
			if errors.As(err, &nf) {
				return nil
			}
			return fmt.Errorf("application still there (err %v)", err)
		})
		c.noErr("evicted by the sweep", err)
		// fargo's documented recovery: the heartbeat answers 404, the caller re-registers
		hb := xmlConn.HeartBeatInstance(ins)
		if c.errCode("HeartBeatInstance after eviction", hb, 404) {
			c.noErr("ReregisterInstance", xmlConn.ReregisterInstance(ins))
			c.noErr("HeartBeatInstance after re-registration", xmlConn.HeartBeatInstance(ins))
			got, err := xmlConn.GetInstance(m.app, ins.Id())
			if c.noErr("GetInstance after re-registration", err) {
				c.eq("status after re-registration", got.Status, fargo.UP)
			}
		}
		c.noErr("DeregisterInstance", xmlConn.DeregisterInstance(ins))
	})
}

// ---------------------------------------------------------------------------------------------

func init() {
	// The node is started from main(); keep main on the process's main thread so that the node's
	// Pdeathsig fires only when this process exits.
	runtime.LockOSThread()
}

func main() {
	nodeBin := flag.String("node", "", "caf-eureka-node binary")
	logDir := flag.String("log-dir", "", "directory for node.log and client.log (default: a temporary one)")
	keep := flag.Bool("keep-logs", false, "keep the temporary log directory")
	nodePort := flag.Int("port", 0, "the node's port (default: a free one)")
	serverURL := flag.String("server-url", "", "run against this already running server (e.g. the Java reference server) instead of starting --node; no /metrics checks")
	fargoURL := flag.String("fargo-url", "", "send fargo's requests here instead of to the node (e.g. a proxy in front of it); checks still read the node's /metrics")
	flag.Parse()
	if (*nodeBin == "") == (*serverURL == "") {
		fmt.Fprintln(os.Stderr, "usage: fargo-interop --node <caf-eureka-node> | --server-url http://HOST:PORT  [--log-dir DIR]")
		os.Exit(2)
	}
	dir := *logDir
	if dir == "" {
		d, err := os.MkdirTemp("", "fargo-interop-")
		if err != nil {
			fmt.Println("cannot create a log directory:", err)
			os.Exit(1)
		}
		dir = d
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Println("cannot create the log directory:", err)
		os.Exit(1)
	}

	// fargo's log (go-logging) and the wire log go to one buffer, printed on failure.
	clientLog := &syncBuffer{}
	backend := logging.NewLogBackend(clientLog, "", 0)
	formatted := logging.NewBackendFormatter(backend, logging.MustStringFormatter("%{time:15:04:05.000} %{module} %{level:.4s} %{message}"))
	leveled := logging.AddModuleLevel(formatted)
	leveled.SetLevel(logging.INFO, "")
	logging.SetBackend(leveled)

	// fargo's own transport (Go's default gzip handling), wrapped by the recorder; fargo's 30 s
	// client timeout is cut to 5 s so every call is bounded well inside the suite's deadline.
	rec := &recorder{next: fargo.HttpClient.Transport, log: clientLog}
	fargo.HttpClient.Transport = rec
	fargo.HttpClient.Timeout = httpTimeout

	var n *node
	var err error
	if *serverURL != "" {
		n = &node{url: strings.TrimRight(*serverURL, "/")}
	} else {
		n, err = startNode(*nodeBin, dir, *nodePort)
	}
	if err != nil {
		fmt.Println("cannot start the node:", err)
		fmt.Println("0 passed, 1 failed")
		os.Exit(1)
	}
	s := &scenario{node: n, rec: rec, clientLog: clientLog, fargoBase: n.base()}
	if *fargoURL != "" {
		s.fargoBase = strings.TrimRight(*fargoURL, "/")
	}

	finish := func(code int) {
		n.stop()
		_ = os.WriteFile(filepath.Join(dir, "client.log"), []byte(clientLog.String()), 0o644)
		if *logDir == "" && !*keep {
			if code == 0 {
				os.RemoveAll(dir)
			} else {
				logf("logs kept in %s", dir)
			}
		}
		os.Exit(code)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		sig := <-sigs
		logf("interrupted by %v", sig)
		fmt.Printf("%d passed, %d failed\n", s.passed, s.failed+1)
		finish(1)
	}()
	time.AfterFunc(overallDeadline, func() {
		logf("overall deadline of %v passed", overallDeadline)
		fmt.Printf("---- node log (tail) ----\n%s\n---- fargo log and wire (tail) ----\n%s\n",
			n.logTail(25), tailLines(clientLog.String(), 25))
		fmt.Printf("%d passed, %d failed\n", s.passed, s.failed+1)
		finish(1)
	})

	if n.cmd != nil {
		logf("node %s on 127.0.0.1:%d (logs in %s)", *nodeBin, n.port, dir)
	} else {
		logf("external server %s", n.url)
	}
	started := time.Now()
	nodeUp := false
	s.step("node_start", func(c *check) {
		err := poll(15*time.Second, func() error {
			if n.exited() {
				return errors.New("the node exited")
			}
			code, body, hdr, err := httpGet(n.base()+"/eureka/apps", nil)
			if err != nil {
				return err
			}
			if code != 200 || !strings.Contains(hdr.Get("Content-Type"), "xml") || !strings.Contains(body, "<applications>") {
				return fmt.Errorf("GET /eureka/apps: %d %s %.100s", code, hdr.Get("Content-Type"), body)
			}
			return nil
		})
		if c.noErr("node answers GET /eureka/apps with XML", err) {
			nodeUp = true
			if n.cmd != nil {
				_, err := n.metrics()
				nodeUp = c.noErr("GET /metrics", err)
			}
		}
	})

	if nodeUp {
		s.step("empty_registry", func(c *check) {
			for _, useJSON := range []bool{false, true} {
				conn := fargo.NewConn(s.fargoBase + "/eureka")
				conn.UseJson = useJSON
				apps, err := conn.GetApps()
				if c.noErr(fmt.Sprintf("GetApps (json=%v) on an empty registry", useJSON), err) {
					c.eq(fmt.Sprintf("GetApps (json=%v) application count", useJSON), len(apps), 0)
				}
				list, err := conn.GetInstancesByVIPAddress("nothing.vip", false)
				if c.noErr(fmt.Sprintf("GetInstancesByVIPAddress (json=%v) on an empty registry", useJSON), err) {
					c.eq(fmt.Sprintf("VIP (json=%v) instance count", useJSON), len(list), 0)
				}
			}
		})
		s.runMode(mode{name: "xml", useJSON: false, base: "/eureka/v2", app: "fargo-xml", appUp: "FARGO-XML",
			vip: "fargo-xml.vip", svip: "fargo-xml.svip", otherSV: "fargo-xml-b.svip", portA: 7101, portB: 7201})
		s.runMode(mode{name: "json", useJSON: true, base: "/eureka", app: "FARGO-JSON", appUp: "FARGO-JSON",
			vip: "fargo-json.vip", svip: "fargo-json.svip", otherSV: "fargo-json-b.svip", portA: 7102, portB: 7202})
		xmlConn := fargo.NewConn(s.fargoBase + "/eureka")
		jsonConn := fargo.NewConn(s.fargoBase + "/eureka/v2")
		jsonConn.UseJson = true
		s.runCross(&xmlConn, &jsonConn)
	}

	logf("done in %.1f s", time.Since(started).Seconds())
	if s.failed > 0 {
		logf("failed steps: %s", strings.Join(s.failedIDs, ", "))
	}
	fmt.Printf("%d passed, %d failed\n", s.passed, s.failed)
	if s.failed > 0 {
		finish(1)
	}
	finish(0)
}

func sortedIDs(ids ...string) []string {
	out := append([]string{}, ids...)
	sort.Strings(out)
	return out
}
