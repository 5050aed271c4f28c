package guance

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// brokenThenWhole answers the first request with broken and every later one with the records.
func brokenThenWhole(broken http.HandlerFunc) http.HandlerFunc {
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			broken(w, r)
			return
		}
		answer(w, 200, true, "", quirkyRecords)
	}
}

// startAnswer sends the status line and the first 23 bytes of an answer, and no more yet.
func startAnswer(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(`{"code":200,"content":[`))
	_ = http.NewResponseController(w).Flush()
}

// An answer can break after its status line: the connection is reset, or the request's own
// timeout ends it, halfway through the records. Both are faults of the path, not of the
// answer, so the read asks again rather than failing.
func TestAnswersThatBreakOffMidBodyAreRetried(t *testing.T) {
	cases := map[string]struct {
		broken http.HandlerFunc
		tweak  func(*Config)
	}{
		"connection reset mid-body": {
			broken: func(w http.ResponseWriter, _ *http.Request) {
				conn, buf, err := http.NewResponseController(w).Hijack()
				if err != nil {
					t.Error(err)
					return
				}
				body := `{"code":200,"content":[{"consumeTimeOfDay":"2024-03-01","productDetail":"Log"`
				fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n%s", body)
				_ = buf.Flush()
				time.Sleep(50 * time.Millisecond) // let the client start on the body
				if tcp, ok := conn.(*net.TCPConn); ok {
					_ = tcp.SetLinger(0)
				}
				_ = conn.Close()
			},
		},
		"request timeout mid-body": {
			broken: func(w http.ResponseWriter, r *http.Request) {
				startAnswer(w)
				<-r.Context().Done()
			},
			tweak: func(c *Config) { c.RequestTimeout = 300 * time.Millisecond },
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			tweaks := []func(*Config){}
			if tc.tweak != nil {
				tweaks = append(tweaks, tc.tweak)
			}
			c, calls := testClient(t, brokenThenWhole(tc.broken), tweaks...)
			d, err := c.BillingDetails(context.Background(), march)
			if err != nil {
				t.Fatalf("after %d requests: %v", calls.Load(), err)
			}
			if len(d.Records) != 2 || calls.Load() != 2 {
				t.Errorf("%d records after %d requests", len(d.Records), calls.Load())
			}
		})
	}
}

// A read that keeps breaking off gives up saying what happened to the answer.
func TestAnAnswerThatAlwaysBreaksOffSaysSo(t *testing.T) {
	c, calls := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		startAnswer(w)
		<-r.Context().Done()
	}, func(c *Config) { c.RequestTimeout, c.MaxAttempts = 100*time.Millisecond, 3 })
	_, err := c.BillingDetails(context.Background(), march)
	if err == nil || calls.Load() != 3 {
		t.Fatalf("err %v after %d requests", err, calls.Load())
	}
	for _, want := range []string{"gave up after 3 attempts", "broke off after 23 bytes", "request timeout of 100ms"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// Cancelling while the answer streams in stops the read at once, without a retry.
func TestCancellationMidBodyStopsTheRead(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	c, calls := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		startAnswer(w)
		cancel()
		<-r.Context().Done()
	})
	_, err := c.BillingDetails(ctx, march)
	if err != context.Canceled || calls.Load() != 1 { //nolint:errorlint // the bare sentinel is the contract
		t.Fatalf("err %v after %d requests", err, calls.Load())
	}
}

// Gateways answer 502/503/504 with an nginx page; the error names the page by its title
// rather than quoting raw markup.
func TestGatewayHTMLPagesAreNamedByTheirTitle(t *testing.T) {
	c, _ := testClient(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n" +
			"<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"))
	}, func(c *Config) { c.MaxAttempts = 2 })
	_, err := c.BillingDetails(context.Background(), march)
	want := `/api/v1/billing/detail/list?endDate=20240331&startDate=20240301 answered HTTP 503 with an HTML page titled "503 Service Temporarily Unavailable" instead of a Guance answer`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v\nlacks %s", err, want)
	}
	if strings.Contains(err.Error(), "<center>") || strings.Contains(err.Error(), `\r\n`) {
		t.Errorf("raw markup in %v", err)
	}
}

func TestRecordsOutsideThePeriodAreKeptWithAWarningNamingThem(t *testing.T) {
	c, _ := testClient(t, func(w http.ResponseWriter, _ *http.Request) {
		answer(w, 200, true, "", `[{"consumeTimeOfDay":"2024-03-31","productDetail":"Log","billingResult":1},
			{"consumeTimeOfDay":"2024-04-01","productDetail":"Metric","billingResult":2}]`)
	})
	d, err := c.BillingDetails(context.Background(), march)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Records) != 2 {
		t.Fatalf("%d records", len(d.Records))
	}
	want := `billing record 2 (productDetail "Metric") is dated 2024-04-01, outside the requested period 2024-03-01 to 2024-03-31`
	if len(d.Warnings) != 1 || !strings.Contains(d.Warnings[0], want) {
		t.Errorf("warnings %q, want one with %q", d.Warnings, want)
	}
}

// BenchmarkHugeAnswerRefusedAtTheDefaultCap reads the simulator's huge_body (a valid envelope
// padded with over 1 GiB of blanks) until the default cap refuses it; B/op is what reading up
// to the cap costs in memory. A benchmark rather than a test: under the race detector,
// reading 128 MiB takes minutes.
func BenchmarkHugeAnswerRefusedAtTheDefaultCap(b *testing.B) {
	sim := guancesim.NewServer(guancesim.Options{})
	b.Cleanup(sim.Close)
	b.ReportAllocs()
	for b.Loop() {
		sim.InjectFault(guancesim.FaultHugeBody, 1)
		c, err := New(Config{BaseURL: sim.URL(), Token: guancesim.DefaultToken})
		if err != nil {
			b.Fatal(err)
		}
		_, err = c.BillingDetails(context.Background(), march)
		if want := "the answer is larger than 128 MiB, the client's cap"; err == nil || !strings.Contains(err.Error(), want) {
			b.Fatalf("error %v lacks %q", err, want)
		}
	}
}

// An answer whose Content-Length is over the cap is refused before its body is read.
func TestAnAnswerAnnouncedOverTheCapIsRefusedUnread(t *testing.T) {
	c, calls := testClient(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "5000")
		answer(w, http.StatusOK, true, "", "["+strings.Repeat(" ", 4801)+"]")
	}, func(cfg *Config) { cfg.MaxBodyBytes = 1024 })
	_, err := c.BillingDetails(context.Background(), march)
	want := "the answer is larger than 1024 bytes (it announces 5000 bytes), the client's cap"
	if err == nil || !strings.Contains(err.Error(), want) || calls.Load() != 1 {
		t.Fatalf("error %v after %d requests; want one request and %q", err, calls.Load(), want)
	}
}

// An answer that could be read two ways, or says nothing, or contradicts itself, is refused
// with the field named (a success that is not a JSON boolean among them): never the last value, never a mix, never a silent zero. Each is
// refused at once, as asking again would get the same answer.
func TestAmbiguousEmptyOrSelfContradictingAnswersAreRefused(t *testing.T) {
	const record = `"consumeTimeOfDay":"2024-03-01","productDetail":"Log"`
	envelope := func(content string) string {
		return `{"code":200,"content":` + content + `,"errorCode":"","message":"","success":true,"traceId":"TRACE-X"}`
	}
	for body, want := range map[string]string{
		envelope(`[{` + record + `,"billingResult":"12.50","count":1,"billingResult":"7"}]`):                                  `"billingResult" is given twice in the object at "/content/0"`,
		envelope(`[{` + record + `,"billingResult":"12.50","workspaceName":"a","billingResult":"None","workspaceName":"b"}]`): `"billingResult" is given twice in the object at "/content/0"`,
		envelope(`[{` + record + `,"orgName":"x","orgName":"y"}]`):                                                            `"orgName" is given twice in the object at "/content/0"`,
		envelope(`[{` + record + `,"billing\u0052esult":1,"billingResult":2}]`):                                               `"billingResult" is given twice in the object at "/content/0"`,
		`{"code":200,"content":[],"success":false,"errorCode":"","success":true,"traceId":"TRACE-X"}`:                         `"success" is given twice in the envelope`,
		`{"code":200,"content":[{` + record + `}],"content":[],"success":true}`:                                               `"content" is given twice in the envelope`,
		`{"code":200,"success":true,"traceId":"TRACE-X"}`:                                                                     "the answer has no content at all (traceId TRACE-X)",
		envelope(`null`): "content is null (null), expected a list of records (an empty period is [])",
		`{"code":200,"content":[],"errorCode":"ft.InternalError","message":"","success":true}`: `success is true, yet errorCode is "ft.InternalError" and the envelope code is 200`,
		`{"code":500,"content":[],"errorCode":"","message":"","success":true}`:                 `success is true, yet errorCode is "" and the envelope code is 500`,
		`{"content":[],"errorCode":"","message":"","success":true}`:                            `success is true, yet errorCode is "" and the envelope code is missing`,
		`{"code":200,"content":[],"errorCode":"","success":"true","traceId":"TRACE-X"}`:        `the answer could not be used: success is a string ("true"), not a JSON boolean (true or false)`,
		`{"code":200,"content":[],"errorCode":"","success":"false"}`:                           `success is a string ("false"), not a JSON boolean`,
		`{"code":200,"content":[],"errorCode":"","success":1}`:                                 `success is a number (1), not a JSON boolean`,
		`{"code":200,"content":[],"errorCode":"","success":null}`:                              `success is null (null), not a JSON boolean`,
	} {
		c, calls := testClient(t, func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(body)) })
		d, err := c.BillingDetails(context.Background(), march)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, %v; want an error with %q", body, d, err, want)
		}
		if calls.Load() != 1 {
			t.Errorf("%s: %d requests; a malformed answer is not asked for again", body, calls.Load())
		}
	}
}
