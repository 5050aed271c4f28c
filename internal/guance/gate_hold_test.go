package guance

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// signalLogger closes retried when the client logs its first retry: by then the attempt
// before it has settled with the pacer, and any hold it met is in the pacing book.
type signalLogger struct {
	once    sync.Once
	retried chan struct{}
}

func newSignalLogger() *signalLogger { return &signalLogger{retried: make(chan struct{})} }

func (l *signalLogger) Debug(_ context.Context, msg string, _ map[string]any) {
	if msg == "Guance API attempt failed, retrying" {
		l.once.Do(func() { close(l.retried) })
	}
}

func (*signalLogger) Trace(context.Context, string, map[string]any) {}

// Plan A (max_retry_wait 3m) is refused once by the API's limit and writes a hold of 2.5 to
// 5 s for every process on the key; plan B, same key and endpoint, may wait 2 s in all. B
// gives up at once, sends nothing, and says why: another process on the machine was refused,
// since when, and until when the key is held. A's read then completes.
func TestAHoldOfAnotherProcessLongerThanTheReadMayWaitIsAClearError(t *testing.T) {
	t.Parallel()
	sim := guancesim.NewServer(guancesim.Options{})
	t.Cleanup(sim.Close)
	dir := t.TempDir()
	window := func(cfg *Config) { cfg.RateLimit, cfg.RateWindow = 20, 30*time.Second }
	signal := newSignalLogger()
	a := sharedClient(t, sim, dir, signal, window, func(cfg *Config) { cfg.MaxRetryWait = 3 * time.Minute })
	b := sharedClient(t, sim, dir, nil, window, func(cfg *Config) { cfg.MaxRetryWait = 2 * time.Second })
	sim.InjectFault(guancesim.FaultRateLimitKey, 1)
	done := make(chan struct{})
	go func() { defer close(done); readDay(t, a, 0) }()
	<-signal.retried
	sent := sim.Requests()
	start := time.Now()
	d := Date{2024, time.March, 2}
	_, err := b.BillingDetails(context.Background(), Period{Start: d, End: d})
	var held *HeldByOtherProcessError
	if !errors.As(err, &held) {
		t.Fatalf("plan B: %v, want a HeldByOtherProcessError", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("plan B took %s to give up, want at once", took)
	}
	if span := held.Until.Sub(held.Since); held.Since.IsZero() || span < 2*time.Second || span > 5*time.Second+time.Second {
		t.Errorf("the hold runs from %s to %s, want the 2.5 to 5 s plan A's refusal wrote", held.Since, held.Until)
	}
	for _, phrase := range []string{
		"another process on this machine using the same key and endpoint was refused by the API's rate limit",
		"held since " + held.Since.UTC().Format(time.RFC3339), "until " + held.Until.UTC().Format(time.RFC3339),
		"longer than this read's max_retry_wait of 2s; nothing was sent",
	} {
		if !strings.Contains(err.Error(), phrase) {
			t.Errorf("the error does not say %q:\n%s", phrase, err)
		}
	}
	<-done
	if got := sim.Requests(); got != sent+1 {
		t.Errorf("%d requests after plan B began, want plan A's probe only", got-sent)
	}
}

// A book whose hold lies far in the future (a garbled file, a clock set back) holds a read at
// most a window: longer than the read may wait, it is the same clear error at once; within
// it, the read waits and is exact.
func TestAFarFutureHoldInTheBookHoldsAReadAtMostAWindow(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		window time.Duration
		fails  bool
	}{
		{"window longer than max_retry_wait", 10 * time.Minute, true},
		{"window shorter than max_retry_wait", 300 * time.Millisecond, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim := guancesim.NewServer(guancesim.Options{})
			t.Cleanup(sim.Close)
			c := sharedClient(t, sim, t.TempDir(), nil, func(cfg *Config) { cfg.RateWindow = tc.window })
			far := slotBook{Version: slotBookVersion, HoldUntil: time.Now().AddDate(100, 0, 0).UnixNano(),
				HeldSince: time.Now().Add(-time.Hour).UnixNano()}
			data, _ := json.Marshal(far)
			if err := os.MkdirAll(c.pacer.slots.(*fileWindow).dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(stateFile(t, c), data, 0o600); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			d := Date{2024, time.March, 1}
			details, err := c.BillingDetails(context.Background(), Period{Start: d, End: d})
			took := time.Since(start)
			var held *HeldByOtherProcessError
			switch {
			case tc.fails && !errors.As(err, &held):
				t.Fatalf("%v, want a HeldByOtherProcessError", err)
			case tc.fails && (took > time.Second || sim.Requests() != 0):
				t.Errorf("gave up after %s and %d requests, want at once and none", took, sim.Requests())
			case tc.fails && !strings.Contains(err.Error(), "(10m0s from now; held since"):
				t.Errorf("the hold is not cut to a window from now: %s", err)
			case !tc.fails && err != nil:
				t.Fatal(err)
			case !tc.fails && took > tc.window+time.Second:
				t.Errorf("the read waited %s, more than a window", took)
			case !tc.fails:
				if p := sameBill(details, guancesim.Records(guancesim.Options{}, d.Time(), d.Time())); p != "" {
					t.Error(p)
				}
			}
		})
	}
}
