package guance

import (
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// lines counts the log lines that start with prefix.
func (l *recordingLogger) count(prefix string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.lines {
		if strings.HasPrefix(line, prefix) {
			n++
		}
	}
	return n
}

// Faults that repeat by nature end a read after at most two attempts with the default
// settings, and the one wait between them is at most the default base delay (1 s): nothing
// near the 8 attempts and a minute that a refused connection used to take.
func TestFaultsThatRepeatByNatureEndAfterAtMostTwoAttempts(t *testing.T) {
	tlsServer := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	tlsServer.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake the client refuses
	tlsServer.StartTLS()
	t.Cleanup(tlsServer.Close)
	// Lookups are failed by the transport, as the resolver would, so that the count does not
	// depend on this machine's resolver.
	lookups := func(notFound bool) *http.Transport {
		var dials atomic.Int32
		return &http.Transport{DialContext: guancesim.UnresolvableDial(notFound, &dials)}
	}
	cases := map[string]struct {
		baseURL   string
		transport http.RoundTripper
		cause     NoAnswer
		attempts  int
	}{
		"a refused connection":              {guancesim.ClosedURL(t), nil, NoAnswerRefused, 2},
		"an unknown host":                   {"https://guance-provider-test.invalid", lookups(true), NoAnswerUnknownHost, 1},
		"a lookup that failed otherwise":    {"https://guance-provider-test.invalid", lookups(false), NoAnswerUnknownHost, 2},
		"an untrusted TLS cert":             {tlsServer.URL, nil, NoAnswerUntrusted, 1},
		"an unknown host, by this resolver": {"https://guance-provider-test.invalid", nil, NoAnswerUnknownHost, 0},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			logged := &recordingLogger{}
			start := time.Now()
			c, err := New(Config{BaseURL: tc.baseURL, Token: testToken, Logger: logged, Transport: tc.transport})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.BillingDetails(context.Background(), march)
			t.Logf("failed after %s: %v", time.Since(start).Round(time.Millisecond), err)
			if got := NoAnswerCause(err); got != tc.cause {
				t.Fatalf("cause %v, want %v: %v", got, tc.cause, err)
			}
			sent := logged.count("[DEBUG] Guance API request:")
			// This machine's resolver may say the name does not exist (1 attempt) or fail
			// otherwise (2); the cases above pin each.
			if tc.attempts == 0 && (sent < 1 || sent > 2) || tc.attempts != 0 && sent != tc.attempts {
				t.Errorf("%d attempts, want %d", sent, tc.attempts)
			}
			var gaveUp *AttemptsError
			if sent == 2 && (!errors.As(err, &gaveUp) || !strings.Contains(gaveUp.Reason, "asked again only once")) {
				t.Errorf("a second attempt must end saying why there is no third: %v", err)
			}
			delays := retryDelays(logged)
			if len(delays) != sent-1 {
				t.Errorf("%d attempts, %d retry delays logged", sent, len(delays))
			}
			for _, delay := range delays {
				if delay > defaultBaseDelay {
					t.Errorf("waited %s before asking again; the default base delay is %s", delay, defaultBaseDelay)
				}
			}
			if strings.Count(err.Error(), "/api/v1/billing/detail/list") != 1 {
				t.Errorf("the URL must appear once: %v", err)
			}
		})
	}
}

// retryDelays are the delays the client logged before each retry.
func retryDelays(l *recordingLogger) []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []time.Duration
	for _, line := range l.lines {
		_, after, ok := strings.Cut(line, "delay_ms:")
		if !ok {
			continue
		}
		ms, _, _ := strings.Cut(after, " ")
		d, err := time.ParseDuration(ms + "ms")
		if err == nil {
			out = append(out, d)
		}
	}
	return out
}

// An endpoint with a path, the natural mistake of pasting /api/v1, gets a 404 that names the
// whole URL asked and the path the endpoint added.
func TestANotFoundAnswerNamesTheWholeURLAndTheEndpointsPath(t *testing.T) {
	var srvURL string
	c, calls := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		answer(w, http.StatusNotFound, false, "ft.NotFound", `null`)
	}, func(cfg *Config) { cfg.BaseURL += "/api/v1/"; srvURL = cfg.BaseURL })
	_, err := c.BillingDetails(context.Background(), march)
	apiErr, ok := AsAPIError(err)
	if !ok || !apiErr.IsNotFound() || apiErr.IsBadRequest() || calls.Load() != 1 {
		t.Fatalf("err %v after %d requests", err, calls.Load())
	}
	want := "GET " + srvURL + "api/v1/billing/detail/list?endDate=20240331&startDate=20240301 answered HTTP 404"
	if !strings.HasPrefix(apiErr.WithoutTraceID(), want) || apiErr.BasePath != "/api/v1" {
		t.Errorf("%q (base path %q), want it to start %q", apiErr.WithoutTraceID(), apiErr.BasePath, want)
	}
	if strings.Contains(apiErr.WithoutTraceID(), "TRACE-TEST") || !strings.Contains(apiErr.Error(), "traceId TRACE-TEST-404") {
		t.Errorf("the traceId belongs in Error only: %q, %q", apiErr.WithoutTraceID(), apiErr.Error())
	}
}

// A parameter the API refuses, by status or by errorCode, is a bad request, asked once.
func TestParameterErrorsAreBadRequestsAskedOnce(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{
		"HTTP 400 ft.ParamError": func(w http.ResponseWriter, _ *http.Request) { answer(w, 400, false, "ft.ParamError", `null`) },
		"HTTP 422":               func(w http.ResponseWriter, _ *http.Request) { answer(w, 422, false, "", `null`) },
		"ft.ParamError under 200": func(w http.ResponseWriter, _ *http.Request) {
			answer(w, 200, false, "ft.ParamError", `null`)
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, calls := testClient(t, h)
			_, err := c.BillingDetails(context.Background(), march)
			if apiErr, ok := AsAPIError(err); !ok || !apiErr.IsBadRequest() || calls.Load() != 1 {
				t.Fatalf("err %v after %d requests", err, calls.Load())
			}
		})
	}
}

// A read that waits for a rate slot says how long, with the requests sent and the limit, so
// that the provider can tell the user why a plan is slow. Under a limit of 2 a window, two of
// four concurrent reads wait for a slot to reopen, which takes a whole window after an answer.
func TestAReadThatWaitsForARateSlotReportsTheWaitAndTheLimit(t *testing.T) {
	const window = 600 * time.Millisecond
	c, _ := testClient(t, func(w http.ResponseWriter, _ *http.Request) {
		answer(w, 200, true, "", `[]`)
	}, func(cfg *Config) { cfg.RateLimit, cfg.RateWindow = 2, window })
	var mu sync.Mutex
	var seen []Pacing
	var wg sync.WaitGroup
	for day := range 4 {
		wg.Go(func() {
			d := Date{2024, 3, 1}.AddDays(day)
			got, err := c.BillingDetails(context.Background(), Period{Start: d, End: d})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			seen = append(seen, got.Pacing)
			mu.Unlock()
		})
	}
	wg.Wait()
	tooLong, most := 0, 0
	for _, p := range seen {
		t.Logf("waited %s, %d requests sent", p.Waited.Round(time.Millisecond), p.Requests)
		if p.Limit != 2 || p.Window != window {
			t.Errorf("limit %d per %s", p.Limit, p.Window)
		}
		if p.TooLong() {
			tooLong++
		}
		most = max(most, p.Requests)
	}
	if tooLong < 2 || most != 4 {
		t.Errorf("%d reads waited over half a window, at most %d requests seen; want 2 or more, and 4", tooLong, most)
	}
}
