package guancesim

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultToken is the DF-API-KEY the simulator accepts when Options.Token is
// empty.
const DefaultToken = "sim-access-token"

// API paths served by the simulator.
const (
	PathValidate   = "/api/v1/validate"
	PathDetailList = "/api/v1/billing/detail/list"
	PathBalance    = "/api/v1/billing/balance/get"
)

// Options configure a simulator. The zero value is a fast, unlimited
// simulator with the default catalogue.
type Options struct {
	// Token is the accepted DF-API-KEY; "" means DefaultToken.
	Token string
	// RecordsPerDay is the number of items billed per day: 0 means the
	// 8-product catalogue; 1..7 the first products of it; more than 8 adds
	// synthetic "Custom Item NNNN" items after the catalogue.
	RecordsPerDay int
	// Latency is added before every answer; a request cancelled meanwhile
	// gets no answer.
	Latency time.Duration
	// LatencyPerDay is added for each day of a billing detail period, on top of Latency:
	// a server whose work grows with the period, for measuring split reads.
	LatencyPerDay time.Duration
	// RateLimit is the maximum number of requests accepted per API key in any
	// rolling RateWindow; 0 disables rate limiting.
	RateLimit int
	// RateWindow is the rate limiting window; 0 means one minute.
	RateWindow time.Duration
	// FixedWindowRefusal makes a second, fixed-window limiter: every request
	// that arrives in the first FixedWindowRefusal of a RateWindow (windows
	// counted from the Unix epoch on the Now clock) is refused with the key
	// rate limit answer, whatever came before. 0 disables it.
	FixedWindowRefusal time.Duration
	// Now is the clock used for rate limiting; nil means time.Now.
	Now func() time.Time
	// Today is the clock that says which day is today, for billing: the simulator, like the
	// API, bills no day after today in BillingZone, so that a read reaching into the future
	// gets the days so far only. nil means time.Now.
	Today func() time.Time
	// BillingZone is the zone whose calendar day is the billing day; nil means UTC+8, the
	// China sites' billing day.
	BillingZone *time.Location
	// MaxPeriodDays is the longest period the list endpoint accepts; 0 means 3660. A longer
	// one is refused with ft.ParamError, as an API with a limit of its own would.
	MaxPeriodDays int
	// BillFuture bills the days after today as well, as if they had passed: for benchmarks and
	// for tests of dates that are still to come.
	BillFuture bool
	// Workspaces is how many workspaces the records are billed to: 0 or 1 bills every record
	// to WorkspaceUUID; n > 1 bills item i of the day to WorkspaceUUIDs(n)[i%n].
	Workspaces int
}

// Balance is what /api/v1/billing/balance/get answers. Each value is decimal
// text as the API sends it: a valid JSON number ("12873.40") is sent as that
// exact JSON number, anything else (such as "None") as a JSON string.
type Balance struct {
	Cash, Coupon, StoredCard string
}

// DefaultBalance is the balance a new simulator answers.
var DefaultBalance = Balance{Cash: "12873.40", Coupon: "500", StoredCard: "2000.5"}

// Server is a fake Guance OpenAPI. It is an http.Handler; NewServer also
// serves it on a loopback port. All methods are safe for concurrent use.
type Server struct {
	opts    Options
	items   []item
	limiter limiter
	cache   contentCache

	httpServer *http.Server
	url        string
	done       chan struct{} // closed by Close: aborts waiting handlers
	closeOnce  sync.Once

	traceSeq atomic.Uint64
	echoSeq  atomic.Uint64
	limited  atomic.Int64 // requests refused by a limiter

	mu        sync.Mutex // guards the fields below
	requests  map[string]int
	queue     []FaultKind
	faultRate float64
	faultRand *rand.Rand
	faultKind []FaultKind
	served    map[FaultKind]int
	balance   Balance
}

// New returns a simulator that is not listening; serve it with any
// http.Server (it implements http.Handler). Close it to abort answers that
// are waiting (latency, slow and huge-body faults).
func New(opts Options) *Server {
	if opts.Token == "" {
		opts.Token = DefaultToken
	}
	if opts.RateWindow <= 0 {
		opts.RateWindow = time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Today == nil {
		opts.Today = time.Now
	}
	if opts.BillingZone == nil {
		opts.BillingZone = time.FixedZone("UTC+08:00", 8*3600)
	}
	return &Server{
		opts:     opts,
		items:    itemsOf(opts),
		limiter:  limiter{limit: opts.RateLimit, window: opts.RateWindow, now: opts.Now},
		done:     make(chan struct{}),
		requests: make(map[string]int),
		served:   make(map[FaultKind]int),
		balance:  DefaultBalance,
	}
}

// NewServer returns a simulator listening on a free port of 127.0.0.1.
// It panics if it cannot listen, like httptest.NewServer.
func NewServer(opts Options) *Server {
	s := New(opts)
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("guancesim: cannot listen on 127.0.0.1: %v", err))
	}
	s.url = "http://" + ln.Addr().String()
	s.httpServer = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	go func() { _ = s.httpServer.Serve(ln) }()
	return s
}

// URL returns the base URL, such as "http://127.0.0.1:41234", or "" when the
// simulator was created with New.
func (s *Server) URL() string { return s.url }

// Close stops listening, closes all connections and aborts pending answers.
// It may be called more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		if s.httpServer != nil {
			_ = s.httpServer.Close()
		}
	})
}

// Requests returns how many requests reached /api/v1/billing/detail/list,
// whatever their answer (faults and errors included).
func (s *Server) Requests() int { return s.RequestsTo(PathDetailList) }

// RateLimited returns how many requests a limiter refused: the rolling one
// (RateLimit) or the fixed-window one (FixedWindowRefusal).
func (s *Server) RateLimited() int { return int(s.limited.Load()) }

// inRefusingPhase reports whether now falls in the first FixedWindowRefusal
// of its fixed window.
func (s *Server) inRefusingPhase() bool {
	if s.opts.FixedWindowRefusal <= 0 {
		return false
	}
	return time.Duration(s.opts.Now().UnixNano())%s.opts.RateWindow < s.opts.FixedWindowRefusal
}

// RequestsTo returns how many requests reached the given path, whatever
// their answer.
func (s *Server) RequestsTo(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[path]
}

// InjectFault queues kind for the next n billing requests. Queued faults are
// served in order, before any fault drawn by SetFaultRate. It panics on an
// unknown kind.
func (s *Server) InjectFault(kind FaultKind, n int) {
	if !validFault(kind) {
		panic(fmt.Sprintf("guancesim: unknown fault kind %q", kind))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < n; i++ {
		s.queue = append(s.queue, kind)
	}
}

// SetFaultRate makes each billing request not served from the InjectFault
// queue fail with probability rate, with a kind chosen uniformly among kinds
// (TransientFaults when none are given). The draws come from a generator
// seeded with seed, so the faults are deterministic given the request order.
// A rate of 0 or less turns random faults off.
func (s *Server) SetFaultRate(rate float64, seed int64, kinds ...FaultKind) {
	for _, k := range kinds {
		if !validFault(k) {
			panic(fmt.Sprintf("guancesim: unknown fault kind %q", k))
		}
	}
	if len(kinds) == 0 {
		kinds = TransientFaults()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if rate <= 0 {
		s.faultRate, s.faultRand, s.faultKind = 0, nil, nil
		return
	}
	s.faultRate = rate
	s.faultRand = rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	s.faultKind = append([]FaultKind(nil), kinds...)
}

// SetBalance sets what /api/v1/billing/balance/get answers.
func (s *Server) SetBalance(b Balance) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.balance = b
}

// FaultsServed returns how many times each fault kind was served (a copy).
func (s *Server) FaultsServed() map[FaultKind]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := make(map[FaultKind]int, len(s.served))
	for k, v := range s.served {
		m[k] = v
	}
	return m
}

// nextFault returns the fault for the current billing request, or "".
func (s *Server) nextFault() FaultKind {
	s.mu.Lock()
	defer s.mu.Unlock()
	var k FaultKind
	switch {
	case len(s.queue) > 0:
		k = s.queue[0]
		s.queue = s.queue[1:]
	case s.faultRand != nil:
		if s.faultRand.Float64() < s.faultRate {
			k = s.faultKind[s.faultRand.IntN(len(s.faultKind))]
		}
	}
	if k != "" {
		s.served[k]++
	}
	return k
}

// nextTraceID returns a unique, deterministic-looking trace id.
func (s *Server) nextTraceID() string {
	n := s.traceSeq.Add(1)
	h := mix64(n)
	return fmt.Sprintf("TRACE-%08X-%04X-%04X-%04X-%012X",
		uint32(h>>32), uint16(h>>16), uint16(h), uint16(mix64(^n)), n&0xFFFFFFFFFFFF)
}

// mix64 is the splitmix64 finaliser.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// sleep waits for d; it reports false if the request or the server ended
// first.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

// abort ends the current request without an answer: net/http closes the
// connection (returning normally would send an empty 200).
func abort() { panic(http.ErrAbortHandler) }

// ServeHTTP answers one API request. A request whose answer is held back
// (latency, slow fault) is aborted without an answer when the client goes
// away or the simulator is closed.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests[r.URL.Path]++
	s.mu.Unlock()
	trace := s.nextTraceID()

	key := r.Header.Get("DF-API-KEY")
	var a answer
	var fault FaultKind
	switch {
	case subtle.ConstantTimeCompare([]byte(key), []byte(s.opts.Token)) != 1:
		a = errorAnswer(http.StatusForbidden, http.StatusForbidden, "ft.InvalidAPIKey", "Invalid API Key", trace)
	case s.inRefusingPhase():
		s.limited.Add(1)
		a = errorAnswer(http.StatusUnauthorized, http.StatusUnauthorized, "ft.TriggerApiAkCurrentLimiting",
			"API key request rate limit exceeded at the start of this window, please try again later", trace)
	case !s.limiter.allow(key):
		s.limited.Add(1)
		a = rateLimitAnswer(trace)
	default:
		a, fault = s.route(r, trace)
	}
	if !s.sleep(r.Context(), s.opts.Latency+time.Duration(a.days)*s.opts.LatencyPerDay) {
		abort()
	}
	if fault != "" {
		s.serveFault(w, r, fault, a, trace)
		return
	}
	writeAnswer(w, a)
}

// route computes the answer of an authenticated, admitted request and, for
// billing endpoints, draws its fault.
func (s *Server) route(r *http.Request, trace string) (answer, FaultKind) {
	switch r.URL.Path {
	case PathValidate, PathDetailList, PathBalance:
	default:
		return errorAnswer(http.StatusNotFound, http.StatusNotFound, "ft.NotFound",
			"Not Found: "+r.URL.Path, trace), ""
	}
	if r.Method != http.MethodGet {
		return errorAnswer(http.StatusMethodNotAllowed, http.StatusMethodNotAllowed, "ft.MethodNotAllowed",
			"Method Not Allowed: "+r.Method, trace), ""
	}
	switch r.URL.Path {
	case PathValidate:
		return okAnswer(trace, []byte("true")), ""
	case PathBalance:
		fault := s.nextFault()
		return s.balanceAnswer(fault, trace), fault
	default:
		from, to, bad := parsePeriod(r, s.opts.MaxPeriodDays)
		if bad != "" {
			return errorAnswer(http.StatusBadRequest, http.StatusBadRequest, "ft.ParamError", bad, trace), ""
		}
		if today := dayOf(s.opts.Today().In(s.opts.BillingZone)); to > today && !s.opts.BillFuture {
			to = max(today, from-1) // days not yet come have no bill: an empty list when none has
		}
		fault := s.nextFault()
		return s.listAnswer(from, to, fault, trace), fault
	}
}

// parsePeriod reads startDate and endDate; bad is the error message when
// they are unusable.
func parsePeriod(r *http.Request, longest int) (from, to int, bad string) {
	if longest <= 0 {
		longest = maxPeriodDays
	}
	q := r.URL.Query()
	var days [2]int
	for i, name := range []string{"startDate", "endDate"} {
		v := q.Get(name)
		if v == "" {
			return 0, 0, fmt.Sprintf("missing required parameter %s (format YYYYMMDD)", name)
		}
		n, msg := parseDate(v)
		if msg != "" {
			return 0, 0, fmt.Sprintf("invalid parameter %s=%q: %s", name, v, msg)
		}
		days[i] = n
	}
	from, to = days[0], days[1]
	switch {
	case to < from:
		return 0, 0, fmt.Sprintf("invalid parameter endDate=%q: before startDate=%q", q.Get("endDate"), q.Get("startDate"))
	case to-from+1 > longest:
		return 0, 0, fmt.Sprintf("invalid parameter endDate=%q: period longer than %d days", q.Get("endDate"), longest)
	}
	return from, to, ""
}

// parseDate parses YYYYMMDD into a day number.
func parseDate(v string) (int, string) {
	if len(v) != 8 {
		return 0, "want a date in YYYYMMDD format"
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, "want a date in YYYYMMDD format"
		}
	}
	t, err := time.Parse("20060102", v)
	if err != nil {
		return 0, "no such date"
	}
	return dayOf(t), ""
}

// listAnswer is the detail/list answer for a valid period, altered by the
// content faults.
func (s *Server) listAnswer(from, to int, fault FaultKind, trace string) answer {
	content := s.cache.get(period{from, to}, func() []byte { return periodContent(s.items, from, to) })
	parts := [][]byte{content}
	const dateAt = len(`[{"consumeTimeOfDay":"`)
	hasRecord := len(content) > 2
	switch fault {
	case FaultContentNotList:
		parts = [][]byte{[]byte(`{"records":[]}`)}
	case FaultBadRecordDate:
		if hasRecord {
			parts = [][]byte{content[:dateAt], []byte("2023-02-30"), content[dateAt+len("YYYY-MM-DD"):]}
		}
	case FaultNonNumericAmount:
		if hasRecord {
			const key = `"billingResult":`
			i := bytes.Index(content, []byte(key)) + len(key) // in the first record
			j := i + bytes.IndexByte(content[i:], ',')
			parts = [][]byte{content[:i], []byte(`"12,50 CNY"`), content[j:]}
		}
	case FaultDuplicateKeys:
		if !hasRecord {
			return answer{status: http.StatusOK, days: to - from + 1, parts: [][]byte{
				[]byte(`{"code":200,"content":[],"errorCode":"","message":"","success":false,"success":true,"traceId":"` + trace + `"}`)}}
		}
		const key = `"billingResult":`
		i := bytes.Index(content, []byte(key)) // in the first record
		parts = [][]byte{content[:i], []byte(`"billingResult":"7",`), content[i:]}
	case FaultRecordOutsidePeriod:
		w := &recordWriter{}
		if hasRecord {
			w.buf = append(w.buf, ',')
		}
		d := makeDay(to + 1)
		writeRecord(w, &d, 0, &s.items[0])
		w.buf = append(w.buf, ']')
		parts = [][]byte{content[:len(content)-1], w.buf}
	}
	ok := okAnswer(trace, parts...)
	ok.days = to - from + 1
	return ok
}

// balanceAnswer is the balance/get answer, altered by the content faults.
func (s *Server) balanceAnswer(fault FaultKind, trace string) answer {
	if fault == FaultContentNotList {
		return okAnswer(trace, []byte(`{"records":[]}`))
	}
	s.mu.Lock()
	b := s.balance
	s.mu.Unlock()
	if fault == FaultNonNumericAmount {
		b.Cash = "12,50 CNY"
	}
	var c []byte
	c = append(c, `{"cashBalance":`...)
	c = appendAmount(c, b.Cash)
	if fault == FaultDuplicateKeys {
		c = append(c, `,"cashBalance":"None"`...)
	}
	c = append(c, `,"couponBalance":`...)
	c = appendAmount(c, b.Coupon)
	c = append(c, `,"storedCardBalance":`...)
	c = appendAmount(c, b.StoredCard)
	c = append(c, `,"declaration":{"currency":"CNY"}}`...)
	return okAnswer(trace, c)
}

// appendAmount appends v as a JSON number when it is one, else as a string.
func appendAmount(b []byte, v string) []byte {
	if isJSONNumber(v) {
		return append(b, v...)
	}
	q, _ := json.Marshal(v)
	return append(b, q...)
}

// isJSONNumber reports whether v is exactly one JSON number.
func isJSONNumber(v string) bool {
	if v == "" || (v[0] != '-' && (v[0] < '0' || v[0] > '9')) {
		return false
	}
	var n json.Number
	return json.Unmarshal([]byte(v), &n) == nil
}

// answer is a complete HTTP answer whose body is the concatenation of parts
// (so cached content is never copied).
type answer struct {
	days        int // days of the billing period served, for LatencyPerDay
	status      int
	contentType string // "" means application/json
	retryAfter  string
	parts       [][]byte
}

func (a answer) size() int {
	n := 0
	for _, p := range a.parts {
		n += len(p)
	}
	return n
}

func writeAnswer(w http.ResponseWriter, a answer) {
	h := w.Header()
	if a.contentType == "" {
		a.contentType = "application/json"
	}
	h.Set("Content-Type", a.contentType)
	h.Set("Content-Length", strconv.Itoa(a.size()))
	if a.retryAfter != "" {
		h.Set("Retry-After", a.retryAfter)
	}
	w.WriteHeader(a.status)
	writeParts(w, a.parts, a.size())
}

// okAnswer wraps content in a success envelope.
func okAnswer(trace string, content ...[]byte) answer {
	parts := make([][]byte, 0, len(content)+2)
	parts = append(parts, []byte(`{"code":200,"content":`))
	parts = append(parts, content...)
	parts = append(parts, okSuffix(trace))
	return answer{status: http.StatusOK, parts: parts}
}

// okSuffix is the end of a success envelope, after the content.
func okSuffix(trace string) []byte {
	return []byte(`,"errorCode":"","message":"","success":true,"traceId":"` + trace + `"}`)
}

// errorAnswer is a failure envelope with HTTP status httpStatus and envelope
// code code.
func errorAnswer(httpStatus, code int, errorCode, message, trace string) answer {
	msg, _ := json.Marshal(message)
	body := fmt.Sprintf(`{"code":%d,"content":null,"errorCode":%q,"message":%s,"success":false,"traceId":%q}`,
		code, errorCode, msg, trace)
	return answer{status: httpStatus, parts: [][]byte{[]byte(body)}}
}

func rateLimitAnswer(trace string) answer {
	return errorAnswer(http.StatusUnauthorized, http.StatusUnauthorized, "ft.TriggerApiAkCurrentLimiting",
		"API key request rate limit exceeded, please try again later", trace)
}

// limiter is an exact sliding-log rate limiter per API key.
type limiter struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu       sync.Mutex
	accepted map[string][]time.Time // per key, ascending
}

// allow admits a request of key unless limit requests were accepted in the
// window ending now (an acceptance exactly one window ago no longer counts).
// Refused requests are not recorded.
func (l *limiter) allow(key string) bool {
	if l.limit <= 0 {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	cutoff := now.Add(-l.window)
	times := l.accepted[key]
	i := 0
	for i < len(times) && !times[i].After(cutoff) {
		i++
	}
	times = times[i:]
	if len(times) >= l.limit {
		l.accepted[key] = times
		return false
	}
	if l.accepted == nil {
		l.accepted = make(map[string][]time.Time)
	}
	l.accepted[key] = append(times, now)
	return true
}

// period is an inclusive range of day numbers.
type period struct{ from, to int }

// maxCachedPeriods bounds the content cache.
const maxCachedPeriods = 4

// contentCache keeps the served content of the last few periods, and makes
// concurrent requests for the same period wait for a single generation.
type contentCache struct {
	mu      sync.Mutex
	entries map[period]*cacheEntry
	order   []period // oldest first
}

type cacheEntry struct {
	ready chan struct{}
	body  []byte
}

func (c *contentCache) get(p period, build func() []byte) []byte {
	c.mu.Lock()
	if e, ok := c.entries[p]; ok {
		c.mu.Unlock()
		<-e.ready
		return e.body
	}
	if c.entries == nil {
		c.entries = make(map[period]*cacheEntry)
	}
	e := &cacheEntry{ready: make(chan struct{})}
	c.entries[p] = e
	c.order = append(c.order, p)
	if len(c.order) > maxCachedPeriods {
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
	c.mu.Unlock()
	e.body = build()
	close(e.ready)
	return e.body
}
