package guance

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Scaled-down slowness bounds: 500ms stands for the idle timeout's 30s, 1s for the request
// timeout's 2m and 1.5s for the read's 3m. Shorter ones let a loaded machine's delays eat the
// second attempt's share before its request reaches the server.
func scaledSlowness(cfg *Config) {
	cfg.IdleTimeout, cfg.RequestTimeout, cfg.MaxReadTime = 500*time.Millisecond, time.Second, 1500*time.Millisecond
}

// A body that stops arriving is cut off after the idle timeout, well before the request
// timeout, and asked for again.
func TestABodyWithoutProgressIsCutOffAndAskedAgain(t *testing.T) {
	t.Parallel()
	logger := &recordingLogger{}
	c, calls := testClient(t, brokenThenWhole(func(w http.ResponseWriter, r *http.Request) {
		startAnswer(w)
		<-r.Context().Done()
	}), scaledSlowness, func(cfg *Config) {
		cfg.RequestTimeout, cfg.MaxReadTime, cfg.Logger = time.Minute, time.Minute, logger
	})
	d, err := c.BillingDetails(context.Background(), march)
	if err != nil || len(d.Records) != 2 || calls.Load() != 2 {
		t.Fatalf("%d requests: %v", calls.Load(), err)
	}
	if log := logger.String(); !strings.Contains(log, "the answer broke off after 23 bytes: no data for 500ms (the answer stalled)") {
		t.Errorf("the retry does not say the answer stalled:\n%s", log)
	}
}

// A server that keeps trickling, never stalling long enough for the idle timeout, is given up
// on when the read has spent its time, with a message that says the API is too slow: the
// first attempt ends at the request timeout, the second when the read's time runs out.
func TestAServerThatKeepsTricklingIsGivenUpOnAsTooSlow(t *testing.T) {
	t.Parallel()
	c, calls := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		startAnswer(w)
		for {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(10 * time.Millisecond):
				_, _ = w.Write([]byte(" "))
				_ = http.NewResponseController(w).Flush()
			}
		}
	}, scaledSlowness)
	_, err := c.BillingDetails(context.Background(), march)
	var tooSlow *TooSlowError
	if !errors.As(err, &tooSlow) || calls.Load() != 2 || tooSlow.Attempts != 2 {
		t.Fatalf("%d requests: %v", calls.Load(), err)
	}
	if want := "the API is too slow: 1.5s over 2 attempts brought no complete answer"; !strings.Contains(err.Error(), want) {
		t.Errorf("err %q lacks %q", err, want)
	}
}

// A server that accepts the request and never sends its headers is the wrong endpoint, not a
// slow API: the read fails after the header timeout, at once, without a second attempt.
func TestAServerThatNeverSendsHeadersFailsAtOnceAsSilent(t *testing.T) {
	t.Parallel()
	c, calls := testClient(t, func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, scaledSlowness,
		func(cfg *Config) { cfg.HeaderTimeout = 300 * time.Millisecond })
	_, err := c.BillingDetails(context.Background(), march)
	var tooSlow *TooSlowError
	if errors.As(err, &tooSlow) || calls.Load() != 1 || NoAnswerCause(err) != NoAnswerSilent {
		t.Fatalf("%d requests: %v", calls.Load(), err)
	}
	if want := "no answer: the server accepted the connection but sent no answer headers within 300ms"; !strings.Contains(err.Error(), want) {
		t.Errorf("err %q lacks %q", err, want)
	}
}

// Headers slower than the read's time still end it as too slow: the header timeout only
// shortens the wait.
func TestAServerSlowerThanTheReadsTimeToAnswerIsGivenUpOnAsTooSlow(t *testing.T) {
	t.Parallel()
	c, calls := testClient(t, func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, scaledSlowness)
	_, err := c.BillingDetails(context.Background(), march)
	var tooSlow *TooSlowError
	if !errors.As(err, &tooSlow) || calls.Load() != 2 {
		t.Fatalf("%d requests: %v", calls.Load(), err)
	}
}
