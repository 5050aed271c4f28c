package guance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const testToken = "secret-token-value"

// answer writes a Guance envelope around content.
func answer(w http.ResponseWriter, status int, success bool, errorCode, content string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"code":%d,"content":%s,"errorCode":%q,"message":"msg %d","success":%t,"traceId":"TRACE-TEST-%d"}`,
		status, content, errorCode, status, success, status)
}

func testClient(t *testing.T, h http.HandlerFunc, tweak ...func(*Config)) (*Client, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	// A window of 300ms keeps the pacer's holds after a limit answer short (25 to 50ms at first).
	cfg := Config{
		BaseURL: srv.URL, Token: testToken, UserAgent: "test-agent/1", BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond,
		RateWindow: 300 * time.Millisecond,
	}
	for _, f := range tweak {
		f(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, &calls
}

var march = Period{Start: Date{2024, 3, 1}, End: Date{2024, 3, 31}}

const quirkyRecords = `[
 {"consumeTimeOfDay":"2024-03-01","orgName":"None","productName":"dataFlux","productDetail":"Log","billingCycle":"Day",
  "billingResult":"17211.88","deductionAmount":"None","oweAmount":null,"originAmount":17211.8812,"couponAmount":"",
  "storedCardAmount":0,"cashAmount":17211.88,"cashCouldAmount":"None","commodityCategory":"pay-as-you-go",
  "consumePlatform":"None","customerIdentifier":"None","workspaceUuid":"wksp_1","workspaceName":"生产环境",
  "consumeTime":"2024-03-01 23:59:59","billingKey":"logging","billingResultDetails":"None","count":1434324},
 {"consumeTimeOfDay":"2024-03-02","productDetail":"Metric","billingResult":7769.92,"originAmount":"7769.92","tag6":"time_series","count":"12"}
]`

func TestBillingDetailsDecodesEveryQuirk(t *testing.T) {
	c, _ := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		if got := r.URL.Query(); got.Get("startDate") != "20240301" || got.Get("endDate") != "20240331" {
			t.Errorf("query %v", got)
		}
		if r.Header.Get(TokenHeader) != testToken || r.Header.Get("Content-Type") != "application/json" || r.Header.Get("User-Agent") != "test-agent/1" {
			t.Errorf("headers %v", r.Header)
		}
		answer(w, 200, true, "", quirkyRecords)
	})
	d, err := c.BillingDetails(context.Background(), march)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Records) != 2 || d.TraceID != "TRACE-TEST-200" {
		t.Fatalf("%d records, trace %q", len(d.Records), d.TraceID)
	}
	r0, r1 := d.Records[0], d.Records[1]
	checks := map[string][2]string{
		"billingResult from a numeric string": {r0.BillingResult.String(), "17211.88"},
		"origin keeps its digits":             {r0.OriginAmount.String(), "17211.8812"},
		"billingKey is the measurement":       {r0.Measurement.Value(), "logging"},
		"tag6 is the measurement":             {r1.Measurement.Value(), "time_series"},
		"UTF-8 workspace":                     {r0.WorkspaceName.Value(), "生产环境"},
		"count":                               {r0.Count.String(), "1434324"},
		"count from a string":                 {r1.Count.String(), "12"},
		"date":                                {r1.Date.String(), "2024-03-02"},
	}
	for what, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s: got %q, want %q", what, c[0], c[1])
		}
	}
	for what, null := range map[string]bool{
		"deductionAmount None": r0.DeductionAmount.IsNull(), "oweAmount null": r0.OweAmount.IsNull(),
		"couponAmount empty": r0.CouponAmount.IsNull(), "cashCouldAmount None": r0.CloudMarketAmount.IsNull(),
		"consumePlatform None": r0.ConsumePlatform.IsNull(), "missing field": r1.WorkspaceName.IsNull(),
	} {
		if !null {
			t.Errorf("%s should be null", what)
		}
	}
	if !r0.StoredCardAmount.exact().IsZero() || r0.StoredCardAmount.IsNull() {
		t.Error("a 0 amount is 0, not null")
	}
	records := d.Select(Filter{})
	if got := Total(records, billingResult).String(); got != "24981.8" {
		t.Errorf("total billing %s, want exactly 24981.8", got)
	}
	if got := Total(records, originAmount).String(); got != "24981.8012" {
		t.Errorf("total origin %s", got)
	}
	if got := BillingResultBy(records, productDetail)["Metric"].String(); got != "7769.92" {
		t.Errorf("Metric total %s", got)
	}
}

func TestAnEmptyListTotalsZero(t *testing.T) {
	c, _ := testClient(t, func(w http.ResponseWriter, _ *http.Request) { answer(w, 200, true, "", "[]") })
	d, err := c.BillingDetails(context.Background(), march)
	if err != nil {
		t.Fatal(err)
	}
	if total, byProduct := Total(d.Select(Filter{}), billingResult), BillingResultBy(d.Select(Filter{}), productDetail); len(d.Records) != 0 || total.String() != "0" || len(byProduct) != 0 {
		t.Errorf("%d records, total %s", len(d.Records), total)
	}
}

func TestUnusableAnswersAreErrorsNeverPartialData(t *testing.T) {
	cases := map[string]struct {
		handler http.HandlerFunc
		want    []string
	}{
		"non-numeric amount names field, record and value": {
			func(w http.ResponseWriter, _ *http.Request) {
				answer(w, 200, true, "", `[{"consumeTimeOfDay":"2024-03-01","productDetail":"Log","billingResult":1},{"consumeTimeOfDay":"2024-03-01","productDetail":"Metric","billingResult":"12,50 CNY"}]`)
			},
			[]string{"billing record 2", `"Metric"`, "billingResult", `"12,50 CNY"`, "not a number", "TRACE-TEST-200"},
		},
		"impossible record date": {
			func(w http.ResponseWriter, _ *http.Request) {
				answer(w, 200, true, "", `[{"consumeTimeOfDay":"2023-02-30","productDetail":"Log"}]`)
			},
			[]string{"consumeTimeOfDay", "2023-02-30", "not a real calendar date"},
		},
		"content not a list": {
			func(w http.ResponseWriter, _ *http.Request) { answer(w, 200, true, "", `{"records":[]}`) },
			[]string{"content is a JSON object", "expected a list of records"},
		},
		"success false under HTTP 200": {
			func(w http.ResponseWriter, _ *http.Request) { answer(w, 200, false, "ft.SomethingWrong", `[]`) },
			[]string{"HTTP 200", "ft.SomethingWrong", "TRACE-TEST-200"},
		},
		"invalid JSON": {
			func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"code":200,"content":[{]`)) },
			[]string{"invalid JSON"},
		},
		"HTML under HTTP 200": {
			func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write([]byte(`<html><body>login</body></html>`))
			},
			[]string{"not a JSON envelope", "<html>"},
		},
		"data after the envelope": {
			func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write([]byte(`{"code":200,"content":[],"errorCode":"","message":"","success":true,"traceId":"T"} {"content":[]}`))
			},
			[]string{"unexpected data after the answer"},
		},
		"bad key is not retried and says so": {
			func(w http.ResponseWriter, _ *http.Request) { answer(w, 403, false, errorCodeInvalidAPIKey, `null`) },
			[]string{"HTTP 403", errorCodeInvalidAPIKey, "TRACE-TEST-403"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c, calls := testClient(t, tc.handler)
			d, err := c.BillingDetails(context.Background(), march)
			if err == nil {
				t.Fatalf("got %d records, want an error", len(d.Records))
			}
			if d != nil {
				t.Error("an error must come with no result")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if calls.Load() != 1 {
				t.Errorf("%d requests; a permanent failure is not retried", calls.Load())
			}
			if strings.Contains(err.Error(), testToken) {
				t.Error("the token leaked into an error")
			}
		})
	}
}

func TestTransientFaultsAreRiddenOut(t *testing.T) {
	faults := []http.HandlerFunc{
		func(w http.ResponseWriter, _ *http.Request) { answer(w, 401, false, errorCodeKeyRateLimit, `null`) },
		func(w http.ResponseWriter, _ *http.Request) {
			answer(w, 401, false, errorCodeWorkspaceRateLimit, `null`)
		},
		func(w http.ResponseWriter, _ *http.Request) { answer(w, 401, false, errorCodeKeyRateLimit, `null`) },
		func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "0")
			answer(w, 429, false, "", `null`)
		},
		func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("<html><h1>502 Bad Gateway</h1></html>"))
		},
		func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Length", "500")
			_, _ = w.Write([]byte(`{"code":200,"content":[{"consumeTimeOfDay":"2024-03-01"`))
		},
		func(w http.ResponseWriter, _ *http.Request) {
			if hj, ok := w.(http.Hijacker); ok {
				conn, _, _ := hj.Hijack()
				_ = conn.Close()
			}
		},
	}
	var n atomic.Int32
	c, calls := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		if i := int(n.Add(1)) - 1; i < len(faults) {
			faults[i](w, r)
			return
		}
		answer(w, 200, true, "", quirkyRecords)
	}, func(cfg *Config) { cfg.MaxAttempts = len(faults) + 1 })
	d, err := c.BillingDetails(context.Background(), march)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Records) != 2 || calls.Load() != int32(len(faults)+1) {
		t.Errorf("%d records after %d requests", len(d.Records), calls.Load())
	}
}

func TestGivingUpSaysHowOftenItTriedAndWhy(t *testing.T) {
	c, calls := testClient(t, func(w http.ResponseWriter, _ *http.Request) {
		answer(w, 401, false, errorCodeKeyRateLimit, `null`)
	}, func(cfg *Config) { cfg.MaxAttempts = 4 })
	_, err := c.BillingDetails(context.Background(), march)
	var attempts *AttemptsError
	if !errors.As(err, &attempts) || attempts.Attempts != 4 || calls.Load() != 4 {
		t.Fatalf("err %v after %d calls", err, calls.Load())
	}
	if apiErr, ok := AsAPIError(err); !ok || !apiErr.IsRateLimit() || apiErr.TraceID != "TRACE-TEST-401" {
		t.Errorf("the last API error must stay reachable: %v", err)
	}
}

func TestRetryAfterBeyondTheTotalWaitGivesUpAtOnce(t *testing.T) {
	c, calls := testClient(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "120")
		answer(w, 429, false, "", `null`)
	}, func(cfg *Config) { cfg.MaxRetryWait = time.Second })
	start := time.Now()
	_, err := c.BillingDetails(context.Background(), march)
	if err == nil || !strings.Contains(err.Error(), "total retry wait") || calls.Load() != 1 {
		t.Fatalf("err %v, %d calls", err, calls.Load())
	}
	if time.Since(start) > 30*time.Second {
		t.Error("it waited for a Retry-After it could never honour")
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	var first time.Time
	var gap time.Duration
	c, _ := testClient(t, func(w http.ResponseWriter, _ *http.Request) {
		if first.IsZero() {
			first = time.Now()
			w.Header().Set("Retry-After", "1")
			answer(w, 429, false, "", `null`)
			return
		}
		gap = time.Since(first)
		answer(w, 200, true, "", `[]`)
	})
	if _, err := c.BillingDetails(context.Background(), march); err != nil {
		t.Fatal(err)
	}
	if gap < time.Second {
		t.Errorf("retried after %s, before the 1s Retry-After", gap)
	}
}

func TestCancellationStopsWaitingAtOnce(t *testing.T) {
	c, _ := testClient(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "60")
		answer(w, 429, false, "", `null`)
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	start := time.Now()
	_, err := c.BillingDetails(ctx, march)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Error("cancellation did not interrupt the wait")
	}
}

func TestRedirectToAnotherHostIsRefusedWithoutSendingTheToken(t *testing.T) {
	var leaked atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(TokenHeader) != "" {
			leaked.Store(true)
		}
		answer(w, 200, true, "", `[]`)
	}))
	defer other.Close()
	target := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	c, _ := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target+r.URL.RequestURI(), http.StatusFound)
	})
	_, err := c.BillingDetails(context.Background(), march)
	if err == nil || !strings.Contains(err.Error(), "refusing to follow") {
		t.Fatalf("err %v", err)
	}
	if leaked.Load() {
		t.Error("the token reached another host")
	}
}

func TestBodyOverTheCapIsRefused(t *testing.T) {
	c, _ := testClient(t, func(w http.ResponseWriter, _ *http.Request) {
		answer(w, 200, true, "", "["+strings.Repeat(" ", 4096)+"]")
	}, func(cfg *Config) { cfg.MaxBodyBytes = 1024 })
	_, err := c.BillingDetails(context.Background(), march)
	if err == nil || !strings.Contains(err.Error(), "larger than 1024 bytes") {
		t.Fatalf("err %v", err)
	}
}

func TestIdenticalConcurrentReadsShareOneRequest(t *testing.T) {
	c, calls := testClient(t, func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(50 * time.Millisecond)
		answer(w, 200, true, "", quirkyRecords)
	})
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := c.BillingDetails(context.Background(), march); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if _, err := c.BillingDetails(context.Background(), march); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 1 {
		t.Errorf("%d requests for one period", calls.Load())
	}
}

func TestPacingKeepsEveryWindowUnderTheLimit(t *testing.T) {
	const limit, window = 3, 300 * time.Millisecond
	var mu sync.Mutex
	var arrivals []time.Time
	c, _ := testClient(t, func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		arrivals = append(arrivals, time.Now())
		mu.Unlock()
		answer(w, 200, true, "", `[]`)
	}, func(cfg *Config) { cfg.RateLimit, cfg.RateWindow = limit, window })
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			p := Period{Start: Date{2024, 1, 1}.AddDays(i), End: Date{2024, 1, 1}.AddDays(i)}
			if _, err := c.BillingDetails(context.Background(), p); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for i := range arrivals {
		in := 0
		for _, a := range arrivals {
			if !a.Before(arrivals[i]) && a.Sub(arrivals[i]) < window {
				in++
			}
		}
		if in > limit {
			t.Fatalf("%d requests arrived within %s of request %d; the limit is %d", in, window, i, limit)
		}
	}
}

func TestSuccessFalseWithoutAReasonStillSaysWhatFailed(t *testing.T) {
	c, _ := testClient(t, func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"code":200,"content":[],"errorCode":"","message":"","success":false,"traceId":"TRACE-X"}`))
	})
	_, err := c.BillingDetails(context.Background(), march)
	if err == nil || !strings.Contains(err.Error(), "answered HTTP 200 with success not true, traceId TRACE-X") {
		t.Fatalf("err %v", err)
	}
}

// A read waiting on another's request stops when its own context is done, and asks again
// when the request it waited on was cancelled by the read that started it.
func TestSharedReadsHonourEachCallersCancellation(t *testing.T) {
	release := make(chan struct{})
	var calls atomic.Int32
	c, _ := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
		}
		answer(w, 200, true, "", quirkyRecords)
	})
	first, cancelFirst := context.WithCancel(context.Background())
	firstErr := make(chan error, 1)
	go func() { _, err := c.BillingDetails(first, march); firstErr <- err }()
	for calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	impatient, cancelImpatient := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancelImpatient()
	if _, err := c.BillingDetails(impatient, march); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a waiter past its own deadline got %v", err)
	}
	patientErr := make(chan error, 1)
	go func() { _, err := c.BillingDetails(context.Background(), march); patientErr <- err }()
	time.Sleep(20 * time.Millisecond)
	cancelFirst()
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("the cancelled read got %v", err)
	}
	if err := <-patientErr; err != nil {
		t.Fatalf("a waiter whose context was fine got %v", err)
	}
	close(release)
}
