package guance

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

// Ctrl-C while a read waits for a rate slot ends the wait, and the read sends nothing.
func TestCancellationStopsWaitingForARateSlot(t *testing.T) {
	c, calls := testClient(t, func(w http.ResponseWriter, _ *http.Request) {
		answer(w, http.StatusOK, true, "", `[]`)
	}, func(cfg *Config) { cfg.RateLimit, cfg.RateWindow = 1, 10*time.Minute })
	if _, err := c.BillingDetails(context.Background(), march); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	done := make(chan error, 1)
	go func() {
		_, err := c.BillingDetails(ctx, Period{Start: march.Start, End: march.Start})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the read still waits for a rate slot that reopens in 10 minutes")
	}
	if calls.Load() != 1 {
		t.Errorf("%d requests; the cancelled read must send none", calls.Load())
	}
}

// Retry-After may also be an HTTP date; the retry waits until then.
func TestRetryAfterAsAnHTTPDateIsHonoured(t *testing.T) {
	var until time.Time
	var retried time.Time
	c, calls := testClient(t, func(w http.ResponseWriter, _ *http.Request) {
		if until.IsZero() {
			until = time.Now().Add(2 * time.Second).Truncate(time.Second)
			w.Header().Set("Retry-After", until.UTC().Format(http.TimeFormat))
			answer(w, http.StatusServiceUnavailable, false, "", `null`)
			return
		}
		retried = time.Now()
		answer(w, http.StatusOK, true, "", `[]`)
	})
	if _, err := c.BillingDetails(context.Background(), march); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 || retried.Before(until) {
		t.Errorf("retried at %s, before the Retry-After date %s (%d requests)", retried.Format(time.RFC3339Nano), until.Format(time.RFC3339), calls.Load())
	}
}

// A limit answer moves the slots in use to reopen a window after the hold, not a window after
// their answers: requests answered just before the server's refusing phase would otherwise
// reopen just before it a window later and be refused again.
func TestAHoldMovesTheSlotsInUseToReopenAfterIt(t *testing.T) {
	t.Parallel()
	rules := windowRules{limit: 3, window: time.Minute, lease: 2 * time.Minute}
	t0 := time.Unix(1_000_000, 0)
	var b slotBook
	early, _, _ := b.take(t0, rules)
	b.settle(early.ID, t0.Add(time.Second), rules, false) // answered at :01, reopens at 1:01
	inFlight, _, _ := b.take(t0.Add(2*time.Second), rules)
	b.hold(t0.Add(2*time.Second), t0.Add(10*time.Second), rules)
	b.settle(inFlight.ID, t0.Add(3*time.Second), rules, false) // answered during the hold
	late, _, _ := b.take(t0.Add(20*time.Second), rules)
	b.settle(late.ID, t0.Add(21*time.Second), rules, false) // answered after the hold

	want := map[uint64]time.Time{
		early.ID:    t0.Add(70 * time.Second),
		inFlight.ID: t0.Add(70 * time.Second),
		late.ID:     t0.Add(81 * time.Second),
	}
	for _, s := range b.Slots {
		if got := time.Unix(0, s.Until); !got.Equal(want[s.ID]) {
			t.Errorf("slot %d reopens at +%s, want +%s", s.ID, got.Sub(t0), want[s.ID].Sub(t0))
		}
	}
}
