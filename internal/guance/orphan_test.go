//go:build unix

package guance

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// envOrphanChild makes the test binary a child that books a slot and is killed mid-request:
// "URL|directory".
const envOrphanChild = "GUANCE_TEST_ORPHAN_CHILD"

// The orphan test's rules: one request a window of 1 s, an attempt lasting at most 2 s, so an
// orphaned slot is in use for 3 s after its booking.
var orphanRules = func(cfg *Config) {
	cfg.RateLimit, cfg.RateWindow, cfg.RequestTimeout = 1, time.Second, 2*time.Second
}

// A provider process killed with SIGKILL mid-request leaves its slot booked; the next read
// waits for it to end, and its pacing names the cause: one orphaned slot, booked by the
// process that was killed, not its own reads.
func TestAReadWaitingForTheSlotOfAKilledProcessNamesIt(t *testing.T) {
	if spec := os.Getenv(envOrphanChild); spec != "" {
		url, dir, _ := strings.Cut(spec, "|")
		c := sharedClientAt(t, url, dir, nil, orphanRules)
		fmt.Println("ready")
		readDay(t, c, 0) // killed before the answer
		return
	}
	t.Parallel()
	sim := guancesim.NewServer(guancesim.Options{})
	t.Cleanup(sim.Close)
	dir := t.TempDir()
	sim.InjectFault(guancesim.FaultSlow, 1) // the child's answer takes 2 s
	child := startChild(t, "TestAReadWaitingForTheSlotOfAKilledProcessNamesIt", envOrphanChild+"="+sim.URL()+"|"+dir, os.Stderr)
	if !scanTo(child.stdout, "ready") {
		t.Fatal("the child never got ready")
	}
	for sim.Requests() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	if err := child.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.cmd.Wait()
	c := sharedClient(t, sim, dir, nil, orphanRules)
	d := Date{2024, time.March, 2}
	details, err := c.BillingDetails(context.Background(), Period{Start: d, End: d})
	if err != nil {
		t.Fatal(err)
	}
	p := details.Pacing
	if !p.TooLong() || p.Orphaned != 1 || !slices.Equal(p.OrphanPIDs, []int{child.cmd.Process.Pid}) {
		t.Errorf("waited %s (too long: %t) with %d orphaned slots of processes %v, want one of the killed child's %d",
			p.Waited, p.TooLong(), p.Orphaned, p.OrphanPIDs, child.cmd.Process.Pid)
	}
}

// A slot is orphaned when its answer will never be recorded: pending, and booked longer ago
// than an attempt lasts or by a process that no longer runs. A slot in flight in a running
// process, or answered, is not.
func TestAnOrphanedSlotIsOneWhoseAnswerWillNeverCome(t *testing.T) {
	t.Parallel()
	r := windowRules{limit: 1, window: time.Minute, lease: 2 * time.Minute}
	now := time.Unix(1_700_000_000, 0)
	gone := deadPID(t)
	for _, tc := range []struct {
		name   string
		slot   bookedSlot
		orphan bool
	}{
		{"in flight here", bookedSlot{Pending: true, Booked: now.Add(-time.Minute).UnixNano(), PID: os.Getpid()}, false},
		{"answered", bookedSlot{Booked: now.Add(-3 * time.Minute).UnixNano(), PID: gone}, false},
		{"past the lease", bookedSlot{Pending: true, Booked: now.Add(-2*time.Minute - 1).UnixNano(), PID: os.Getpid()}, true},
		{"of a process gone", bookedSlot{Pending: true, Booked: now.UnixNano(), PID: gone}, true},
		{"of an older book", bookedSlot{Pending: false}, false},
	} {
		tc.slot.ID, tc.slot.Until = 7, now.Add(time.Minute).UnixNano()
		b := slotBook{Slots: []bookedSlot{tc.slot}}
		if got := len(b.orphans(now, r)) == 1; got != tc.orphan {
			t.Errorf("%s: orphaned %t, want %t", tc.name, got, tc.orphan)
		}
	}
}
