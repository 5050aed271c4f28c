package guance

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// bookRules are the provider's defaults: 20 requests a minute, an attempt of 2 minutes at most.
var bookRules = windowRules{limit: DefaultRateLimit, window: DefaultRateWindow, lease: DefaultRequestTimeout}

// FuzzSlotBook: whatever a pacing book's file holds (random bytes, huge numbers, far-future
// or negative times, thousands of slots), a read that meets it gives up at the gate at once
// or waits, and its wait is bounded: at the gate by its max_retry_wait and a window (a hold is
// cut to a window from now), before its request by a window and an attempt's longest time
// (the longest a real booking lasts); and it never crashes. The book it leaves is one the
// next process reads back as it is. budgetSeconds is the read's max_retry_wait.
func FuzzSlotBook(f *testing.F) {
	many := slotBook{Version: slotBookVersion}
	for i := range 10_000 {
		many.Slots = append(many.Slots, bookedSlot{ID: uint64(i), Until: int64(i) << 50, Pending: i%2 == 0, PID: i})
	}
	data, _ := json.Marshal(many)
	f.Add(data, uint16(180))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, budgetSeconds uint16) {
		w := newFileWindow(dir, nil, "https://openapi.example.com", "fuzz", bookRules, nopLogger{})
		if err := os.WriteFile(w.statePath(), data, 0o600); err != nil {
			t.Fatal(err)
		}
		start := time.Unix(1_700_000_000, 0)
		budget := time.Duration(budgetSeconds) * time.Second
		gate, waited, gaveUp := bookWait(t, w, start, budget)
		switch {
		case gaveUp && waited != 0:
			t.Fatalf("gave up at the gate after waiting %s, not at once", waited)
		case gate > min(budget, bookRules.window):
			t.Fatalf("held at the gate %s, more than max_retry_wait %s or a window", gate, budget)
		case waited > bookRules.window+bookRules.lease:
			t.Fatalf("waited %s in all, more than a window and an attempt", waited)
		}
		now := start.Add(waited)
		written, err := os.ReadFile(w.statePath())
		if err != nil {
			t.Fatal(err)
		}
		book, err := parseBook(written)
		if err != nil {
			t.Fatalf("the book written back does not read: %v\n%s", err, written)
		}
		if book.tidy(now, bookRules) {
			t.Fatalf("the book written back changes when read again at %s: %s", now.Sub(start), written)
		}
	})
}

// bookWait follows a read that meets w's book at start, with nothing else using the key,
// through the steps of pacer.enter and pacer.acquire, by the window's own held and take
// at the times the pacer would call them: how long the read was held at the gate, how long
// it waited in all before its request, and whether it gave up at the gate because the hold
// outlasts budget.
func bookWait(t *testing.T, w *fileWindow, start time.Time, budget time.Duration) (gate, waited time.Duration, gaveUp bool) {
	t.Helper()
	ctx := context.Background()
	now := start
	if hold := w.held(ctx, now); hold.Until.After(now) {
		if hold.Until.Sub(now) > budget {
			return 0, 0, true
		}
		now = hold.Until
	}
	gate = now.Sub(start)
	if hold := w.held(ctx, now); hold.Until.After(now) {
		t.Fatalf("the gate holds again at %s, after its hold ended", now.Sub(start))
	}
	for {
		_, wait, ok := w.take(ctx, now)
		switch {
		case w.failed:
			t.Fatal("the book could not be used: the read paced alone, and nothing was tested")
		case ok:
			return gate, now.Sub(start), false
		case !wait.next.After(now):
			t.Fatalf("no slot at %s, and the next is looked for at %s: the read would spin", now.Sub(start), wait.next.Sub(start))
		case wait.next.Sub(start) > w.rules.window+w.rules.lease:
			t.Fatalf("no slot at %s, and the next is looked for at %s: longer than any booking lasts", now.Sub(start), wait.next.Sub(start))
		}
		now = wait.next
	}
}

// A book of a million slots (tens of megabytes, every one far off) is not read: past the
// book's size cap it is started afresh, says so at DEBUG, and the read goes on at once.
func TestABookOfAMillionSlotsIsStartedAfresh(t *testing.T) {
	t.Parallel()
	sim := guancesim.NewServer(guancesim.Options{})
	t.Cleanup(sim.Close)
	log := &recordingLogger{}
	c := sharedClient(t, sim, t.TempDir(), log)
	var b strings.Builder
	b.WriteString(`{"version":1,"slots":[`)
	for i := range 1_000_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"until":9223372036854775807,"pending":true}`, i+1)
	}
	b.WriteString(`]}`)
	if err := os.MkdirAll(c.pacer.slots.(*fileWindow).dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stateFile(t, c), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	readDay(t, c, 0)
	if !strings.Contains(log.String(), "pacing file unreadable, starting it afresh") || !strings.Contains(log.String(), "bytes, more than the 1048576 it may") {
		t.Errorf("the DEBUG log does not say the book was too large and started afresh:\n%s", log)
	}
	if got := readBook(t, stateFile(t, c)); len(got.Slots) != 1 {
		t.Errorf("the book holds %d slots after the read, want its one", len(got.Slots))
	}
}
