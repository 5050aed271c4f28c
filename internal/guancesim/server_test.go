package guancesim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// envelope is the decoded Guance envelope.
type envelope struct {
	Code      int             `json:"code"`
	Content   json.RawMessage `json:"content"`
	ErrorCode string          `json:"errorCode"`
	Message   string          `json:"message"`
	Success   bool            `json:"success"`
	TraceID   string          `json:"traceId"`
}

type reply struct {
	status int
	header http.Header
	body   []byte
	env    envelope
}

// call performs a GET with a fresh connection (so connection faults do not
// trigger net/http's transparent retry of reused connections).
func call(t *testing.T, s *Server, path, key string) reply {
	t.Helper()
	r, err := tryCall(context.Background(), s, path, key)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return r
}

func tryCall(ctx context.Context, s *Server, path, key string) (reply, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+path, nil)
	if err != nil {
		return reply{}, err
	}
	if key != "" {
		req.Header.Set("DF-API-KEY", key)
	}
	client := &http.Client{
		Transport:     &http.Transport{DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, header: resp.Header, body: body}
	if err != nil {
		return r, err
	}
	if resp.Header.Get("Content-Type") == "application/json" {
		_ = json.Unmarshal(body, &r.env)
	}
	return r, nil
}

func list(start, end string) string {
	return PathDetailList + "?startDate=" + start + "&endDate=" + end
}

func newTestServer(t *testing.T, opts Options) *Server {
	t.Helper()
	s := NewServer(opts)
	t.Cleanup(s.Close)
	return s
}

var traceRE = regexp.MustCompile(`^TRACE-[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$`)

func checkError(t *testing.T, r reply, status int, errorCode string) {
	t.Helper()
	if r.status != status || r.env.Code != status || r.env.Success || r.env.ErrorCode != errorCode || r.env.Message == "" {
		t.Errorf("got HTTP %d %s, want HTTP %d errorCode %s", r.status, r.body, status, errorCode)
	}
	if !traceRE.MatchString(r.env.TraceID) {
		t.Errorf("traceId %q", r.env.TraceID)
	}
}

func TestServedEqualsRecords(t *testing.T) {
	s := newTestServer(t, Options{RecordsPerDay: 9})
	r := call(t, s, list("20230725", "20230805"), DefaultToken)
	if r.status != 200 || !r.env.Success || r.env.Code != 200 || r.env.ErrorCode != "" || r.env.Message != "" {
		t.Fatalf("answer: %d %.200s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if !bytes.HasPrefix(r.body, []byte(`{"code":200,"content":[{"consumeTimeOfDay":"2023-07-25",`)) ||
		!bytes.Contains(r.body, []byte(`],"errorCode":"","message":"","success":true,"traceId":"TRACE-`)) {
		t.Errorf("envelope text: %.100s ... %s", r.body, r.body[len(r.body)-100:])
	}
	// The whole answer is valid JSON.
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.UseNumber()
	var generic map[string]any
	if err := dec.Decode(&generic); err != nil {
		t.Fatal(err)
	}
	if n := len(generic["content"].([]any)); n != 12*9+1 {
		t.Errorf("%d records, want %d", n, 12*9+1)
	}
	want, _ := json.Marshal(Records(Options{RecordsPerDay: 9}, date(2023, 7, 25), date(2023, 8, 5)))
	if string(r.env.Content) != string(want) {
		t.Error("served content differs from Records")
	}
	// Second request: served from the cache, identical content, new trace id.
	r2 := call(t, s, list("20230725", "20230805"), DefaultToken)
	if string(r2.env.Content) != string(want) || r2.env.TraceID == r.env.TraceID {
		t.Error("second answer differs or reuses the trace id")
	}
	if s.Requests() != 2 {
		t.Errorf("Requests() = %d", s.Requests())
	}
}

func TestEmptyAndEdgePeriods(t *testing.T) {
	s := newTestServer(t, Options{})
	r := call(t, s, list("20220101", "20221231"), DefaultToken)
	if r.status != 200 || string(r.env.Content) != "[]" {
		t.Errorf("2022: %d %s", r.status, r.body)
	}
	r = call(t, s, list("20240229", "20240229"), DefaultToken)
	if r.status != 200 || bytes.Count(r.env.Content, []byte(`"consumeTimeOfDay":"2024-02-29"`)) != 8 {
		t.Errorf("leap day: %d %.200s", r.status, r.body)
	}
}

func TestTag6AndBillingKey(t *testing.T) {
	s := newTestServer(t, Options{})
	r := call(t, s, list("20231231", "20240101"), DefaultToken)
	var recs []map[string]any
	if err := json.Unmarshal(r.env.Content, &recs); err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		_, tag6 := rec["tag6"]
		_, bk := rec["billingKey"]
		if before := rec["consumeTimeOfDay"] == "2023-12-31"; tag6 != before || bk == before {
			t.Errorf("%v: tag6 %v billingKey %v", rec["consumeTimeOfDay"], tag6, bk)
		}
	}
}

func TestAuth(t *testing.T) {
	s := newTestServer(t, Options{Token: "secret"})
	for _, path := range []string{PathValidate, list("20240101", "20240101"), PathBalance, "/nope"} {
		for _, key := range []string{"", DefaultToken, "secret2", "Secret"} {
			checkError(t, call(t, s, path, key), 403, "ft.InvalidAPIKey")
		}
	}
	r := call(t, s, PathValidate, "x")
	if r.env.Message != "Invalid API Key" {
		t.Errorf("message %q", r.env.Message)
	}
	r = call(t, s, PathValidate, "secret")
	if r.status != 200 || string(r.env.Content) != "true" || !r.env.Success {
		t.Errorf("validate: %d %s", r.status, r.body)
	}
	if s.Requests() != 4 || s.RequestsTo(PathValidate) != 6 || s.RequestsTo("/nope") != 4 {
		t.Errorf("counters: %d %d %d", s.Requests(), s.RequestsTo(PathValidate), s.RequestsTo("/nope"))
	}
}

func TestNotFoundAndMethod(t *testing.T) {
	s := newTestServer(t, Options{})
	checkError(t, call(t, s, "/api/v1/billing/project/summary", DefaultToken), 404, "ft.NotFound")
	req, _ := http.NewRequest(http.MethodPost, s.URL()+PathValidate, nil)
	req.Header.Set("DF-API-KEY", DefaultToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", resp.StatusCode)
	}
}

func TestBadDates(t *testing.T) {
	s := newTestServer(t, Options{})
	cases := map[string]string{
		PathDetailList:                         "startDate",
		PathDetailList + "?startDate=20240101": "endDate",
		PathDetailList + "?endDate=20240101":   "startDate",
		list("2024-01-01", "20240101"):         "2024-01-01",
		list("20240101", "2024011"):            "2024011",
		list("20230230", "20230301"):           "20230230",
		list("20230101", "20231301"):           "20231301",
		list("2023010a", "20230101"):           "2023010a",
		list("%2B2023010", "20230101"):         "+2023010",
		list("20230201", "20230131"):           "endDate",
		list("20000101", "20300101"):           "period longer",
		list("", "20240101"):                   "startDate",
	}
	for path, mention := range cases {
		r := call(t, s, path, DefaultToken)
		checkError(t, r, 400, "ft.ParamError")
		if !bytes.Contains([]byte(r.env.Message), []byte(mention)) {
			t.Errorf("%s: message %q does not mention %q", path, r.env.Message, mention)
		}
	}
}

func TestBalance(t *testing.T) {
	s := newTestServer(t, Options{})
	r := call(t, s, PathBalance, DefaultToken)
	want := `{"cashBalance":12873.40,"couponBalance":500,"storedCardBalance":2000.5,"declaration":{"currency":"CNY"}}`
	if string(r.env.Content) != want {
		t.Errorf("balance %s", r.env.Content)
	}
	s.SetBalance(Balance{Cash: "-3.5", Coupon: "None", StoredCard: "0"})
	r = call(t, s, PathBalance, DefaultToken)
	want = `{"cashBalance":-3.5,"couponBalance":"None","storedCardBalance":0,"declaration":{"currency":"CNY"}}`
	if string(r.env.Content) != want {
		t.Errorf("balance %s", r.env.Content)
	}
}

func TestTraceIDsUnique(t *testing.T) {
	s := New(Options{})
	seen := map[string]bool{}
	for i := 0; i < 10000; i++ {
		id := s.nextTraceID()
		if !traceRE.MatchString(id) || seen[id] {
			t.Fatalf("trace id %q (dup %v)", id, seen[id])
		}
		seen[id] = true
	}
}

// fakeClock is a settable clock for rate limiting tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestRateLimit(t *testing.T) {
	clock := &fakeClock{t: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)}
	s := newTestServer(t, Options{RateLimit: 5, RateWindow: 200 * time.Millisecond, Now: clock.Now})
	status := func() int { return call(t, s, PathValidate, DefaultToken).status }

	for i := 0; i < 5; i++ { // t=0,10,..,40ms
		if got := status(); got != 200 {
			t.Fatalf("request %d: %d", i, got)
		}
		clock.Add(10 * time.Millisecond)
	}
	r := call(t, s, list("20240101", "20240101"), DefaultToken) // t=50ms: 6th within the window
	checkError(t, r, 401, "ft.TriggerApiAkCurrentLimiting")
	clock.Add(149 * time.Millisecond) // t=199ms: the first is still in the window
	if got := status(); got != 401 {
		t.Fatalf("at 199ms: %d", got)
	}
	clock.Add(time.Millisecond) // t=200ms: the first (t=0) leaves the window
	if got := status(); got != 200 {
		t.Fatalf("at 200ms: %d", got)
	}
	if got := status(); got != 401 { // refused requests were not counted...
		t.Fatalf("at 200ms again: %d", got)
	}
	clock.Add(10 * time.Millisecond) // ...so t=10ms leaves at 210ms
	if got := status(); got != 200 {
		t.Fatalf("at 210ms: %d", got)
	}
	// A bad key is refused as such and not rate limited.
	checkError(t, call(t, s, PathValidate, "bad"), 403, "ft.InvalidAPIKey")
}

// TestRateLimitConcurrentExact fires many concurrent requests at a frozen
// clock: exactly RateLimit are accepted.
func TestRateLimitConcurrentExact(t *testing.T) {
	clock := &fakeClock{t: time.Unix(0, 0)}
	s := newTestServer(t, Options{RateLimit: 7, RateWindow: time.Second, Now: clock.Now})
	for round := 0; round < 3; round++ {
		var ok, limited atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 40; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := tryCall(context.Background(), s, PathValidate, DefaultToken)
				switch {
				case err != nil:
					t.Error(err)
				case r.status == 200:
					ok.Add(1)
				case r.env.ErrorCode == "ft.TriggerApiAkCurrentLimiting":
					limited.Add(1)
				}
			}()
		}
		wg.Wait()
		if ok.Load() != 7 || limited.Load() != 33 {
			t.Errorf("round %d: %d accepted, %d limited", round, ok.Load(), limited.Load())
		}
		clock.Add(time.Second)
	}
}

// TestRateLimitPacedClients runs concurrent clients on the real clock that
// together stay under the limit: none is limited.
func TestRateLimitPacedClients(t *testing.T) {
	s := newTestServer(t, Options{RateLimit: 10, RateWindow: 100 * time.Millisecond})
	var wg sync.WaitGroup
	for c := 0; c < 4; c++ { // 4 clients × 2 per 100ms = 8 < 10
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				r, err := tryCall(context.Background(), s, PathValidate, DefaultToken)
				if err != nil || r.status != 200 {
					t.Errorf("paced client limited: %v %d %s", err, r.status, r.body)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}()
	}
	wg.Wait()
}

func TestLatency(t *testing.T) {
	s := newTestServer(t, Options{Latency: 150 * time.Millisecond})
	start := time.Now()
	call(t, s, PathValidate, DefaultToken)
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("answer after %v", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, err := tryCall(ctx, s, PathValidate, DefaultToken); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled request: %v", err)
	}
}

func TestCloseAbortsWaiting(t *testing.T) {
	s := NewServer(Options{Latency: time.Hour})
	errc := make(chan error, 1)
	go func() {
		_, err := tryCall(context.Background(), s, PathValidate, DefaultToken)
		errc <- err
	}()
	for s.RequestsTo(PathValidate) == 0 {
		time.Sleep(time.Millisecond)
	}
	s.Close()
	s.Close()
	select {
	case err := <-errc:
		if err == nil {
			t.Error("answered despite Close")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not abort the waiting request")
	}
}

func TestCacheBounded(t *testing.T) {
	s := New(Options{})
	for i := 0; i < 10; i++ {
		s.cache.get(period{i, i}, func() []byte { return []byte(fmt.Sprint(i)) })
	}
	if len(s.cache.entries) != maxCachedPeriods || len(s.cache.order) != maxCachedPeriods {
		t.Errorf("cache holds %d/%d entries", len(s.cache.entries), len(s.cache.order))
	}
	builds := 0
	s.cache.get(period{9, 9}, func() []byte { builds++; return nil })
	if builds != 0 {
		t.Error("recent period rebuilt")
	}
}

// TestConcurrentClients mixes periods, endpoints and random faults under
// -race.
func TestConcurrentClients(t *testing.T) {
	s := newTestServer(t, Options{})
	s.SetFaultRate(0.3, 42, FaultServerError, FaultBadGatewayHTML, FaultContentNotList, FaultTruncatedJSON)
	periods := [][2]string{{"20240101", "20240131"}, {"20230701", "20230731"}, {"20220101", "20230105"}, {"20240301", "20240301"}}
	var wg sync.WaitGroup
	var answered atomic.Int32
	for c := 0; c < 16; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				p := periods[(c+i)%len(periods)]
				path := list(p[0], p[1])
				if i%3 == 0 {
					path = PathBalance
				}
				r, err := tryCall(context.Background(), s, path, DefaultToken)
				if err == nil && r.status == 200 && r.env.Success && path != PathBalance && r.env.Content[0] == '[' {
					start, _ := time.Parse("20060102", p[0])
					end, _ := time.Parse("20060102", p[1])
					want, _ := json.Marshal(Records(Options{}, start, end))
					if string(r.env.Content) != string(want) {
						t.Errorf("%s: wrong content", path)
					}
				}
				answered.Add(1)
			}
		}()
	}
	wg.Wait()
	total := 0
	for _, n := range s.FaultsServed() {
		total += n
	}
	if total == 0 || total == 160 || s.Requests()+s.RequestsTo(PathBalance) != 160 {
		t.Errorf("faults %d, requests %d+%d", total, s.Requests(), s.RequestsTo(PathBalance))
	}
}

func TestLatencyPerDayGrowsWithThePeriod(t *testing.T) {
	s := newTestServer(t, Options{LatencyPerDay: 20 * time.Millisecond})
	for end, least := range map[string]time.Duration{"20240101": 20 * time.Millisecond, "20240110": 200 * time.Millisecond} {
		start := time.Now()
		call(t, s, list("20240101", end), DefaultToken)
		if took := time.Since(start); took < least {
			t.Errorf("period to %s answered after %s, before its %s of latency", end, took, least)
		}
	}
}

// The fixed-window limiter refuses every request in the first FixedWindowRefusal of each
// window, counted from the epoch, beside the rolling limiter, and counts what it refused.
func TestFixedWindowLimiterRefusesTheStartOfEachWindow(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_040, 0)} // hh:mm:00 exactly
	s := newTestServer(t, Options{RateLimit: 100, RateWindow: time.Minute, FixedWindowRefusal: 5 * time.Second, Now: clock.Now})
	for _, step := range []struct {
		after time.Duration
		want  int
	}{{0, 401}, {4999 * time.Millisecond, 401}, {time.Millisecond, 200}, {54 * time.Second, 200}, {time.Second, 401}, {5 * time.Second, 200}} {
		clock.Add(step.after)
		r := call(t, s, list("20240101", "20240101"), DefaultToken)
		if r.status != step.want {
			t.Fatalf("at :%02d.%03d: HTTP %d, want %d", clock.Now().Second(), clock.Now().Nanosecond()/1e6, r.status, step.want)
		}
		if r.status == 401 {
			checkError(t, r, 401, "ft.TriggerApiAkCurrentLimiting")
		}
	}
	if got := s.RateLimited(); got != 3 {
		t.Errorf("RateLimited() = %d, want 3", got)
	}
}

// The simulator bills no day after today by its billing zone's calendar (UTC+8 unless told):
// a period reaching into the future gets the days so far, one wholly after today an empty
// list; BillFuture bills every day asked for.
func TestTheSimulatorBillsNoDayAfterTodayUnlessAsked(t *testing.T) {
	t.Parallel()
	// 20:00 UTC on the 10th is 04:00 on the 11th in UTC+8: the 11th is today.
	today := func() time.Time { return time.Date(2024, 3, 10, 20, 0, 0, 0, time.UTC) }
	lastDay := func(opts Options, start, end string) string {
		t.Helper()
		r := call(t, newTestServer(t, opts), list(start, end), DefaultToken)
		var records []map[string]any
		if err := json.Unmarshal(r.env.Content, &records); err != nil || r.status != http.StatusOK {
			t.Fatalf("HTTP %d: %v", r.status, err)
		}
		if len(records) == 0 {
			return "none"
		}
		day, _ := records[len(records)-1]["consumeTimeOfDay"].(string)
		return day
	}
	for _, tc := range []struct {
		opts       Options
		start, end string
		want       string
	}{
		{Options{Today: today}, "20240301", "20240331", "2024-03-11"},
		{Options{Today: today, BillingZone: time.UTC}, "20240301", "20240331", "2024-03-10"},
		{Options{Today: today}, "20240320", "20240331", "none"},
		{Options{Today: today, BillFuture: true}, "20240301", "20240331", "2024-03-31"},
	} {
		if got := lastDay(tc.opts, tc.start, tc.end); got != tc.want {
			t.Errorf("%+v %s to %s: last billed day %s, want %s", tc.opts, tc.start, tc.end, got, tc.want)
		}
	}
}
