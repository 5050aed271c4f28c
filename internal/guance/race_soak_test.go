//go:build unix

package guance

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// The race soak's shape, in scaled time: raceWindow stands for the API's minute. Each round
// starts raceProcesses processes that read raceReadsEach periods each, all at once, sharing
// one pacing book, against a simulator that enforces both its strict rolling limit and a
// fixed-window refusal; each process has its own max_retry_wait and a clock off by up to
// raceMaxSkew; raceKills of them are killed with SIGKILL at random moments of their reads.
const (
	raceProcesses = 8
	raceReadsEach = 6
	raceLimit     = 10
	raceWindow    = 4 * time.Second
	raceLatency   = 150 * time.Millisecond
	raceMaxSkew   = 2 * time.Second
	raceKills     = 2
	raceRounds    = 2 // in the normal suite; GUANCE_SOAK_DURATION runs rounds for that long
	// envRaceChild makes the test binary a child of the race soak:
	// "URL|directory|max_retry_wait|clock offset|first day".
	envRaceChild = "GUANCE_TEST_RACE_CHILD"
	// envSoakDuration runs the race soak for that long (a Go duration, such as 10m).
	envSoakDuration = "GUANCE_SOAK_DURATION"
	raceLine        = "race read: "
)

// raceRetryWaits are the max_retry_wait values the processes draw from: shorter than a hold,
// about one, and several windows.
var raceRetryWaits = []time.Duration{300 * time.Millisecond, time.Second, raceWindow, 3 * raceWindow}

// raceOutcome is one read of a child, as it reports it on its stdout.
type raceOutcome struct {
	Day     string `json:"day"`
	Outcome string `json:"outcome"` // raceExact, raceClear or raceWrong
	Detail  string `json:"detail,omitempty"`
}

const (
	raceExact = "exact"
	raceClear = "clear error"
	raceWrong = "wrong"
)

// raceFigures are the soak's figures.
type raceFigures struct {
	processes, kills, crashed          int
	reads, exact, clear, wrong, panics int
	clearKinds                         map[string]int
	wrongs                             []string
}

// Processes sharing one key race on its pacing book while the server's strict and fixed-window
// limiters refuse, their clocks disagree by seconds, their waits differ, and some are killed
// mid-read: every read that ends is the exact bill or a known clear error, no process panics,
// and the book is valid at the end. GUANCE_SOAK_DURATION=10m runs it for ten minutes and
// prints the figures (with -v).
func TestProcessesRacingOnOneKeyReadExactlyOrFailClearly(t *testing.T) {
	if spec := os.Getenv(envRaceChild); spec != "" {
		raceAsChild(t, spec)
		return
	}
	var soak time.Duration
	if v := os.Getenv(envSoakDuration); v != "" {
		var err error
		if soak, err = time.ParseDuration(v); err != nil {
			t.Fatalf("%s=%q: %v", envSoakDuration, v, err)
		}
	}
	sim := guancesim.NewServer(guancesim.Options{
		RateLimit: raceLimit, RateWindow: raceWindow, FixedWindowRefusal: raceWindow / 12, Latency: raceLatency,
	})
	t.Cleanup(sim.Close)
	dir := t.TempDir()
	seed := uint64(time.Now().UnixNano()) //nolint:gosec // a seed, logged to replay a failure
	t.Logf("race soak seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed>>1)) //nolint:gosec // test randomness
	figures := raceFigures{clearKinds: map[string]int{}}
	start := time.Now()
	for round := 0; ; round++ {
		if soak == 0 && round == raceRounds || soak > 0 && time.Since(start) >= soak {
			break
		}
		raceRound(t, sim, dir, round, rng, &figures)
		if t.Failed() {
			break
		}
	}
	elapsed := time.Since(start)
	checkBookValid(t, sim.URL(), dir)
	t.Logf("race soak: %d processes, %d killed with SIGKILL mid-read, %d reads ended: %d exact, %d clear errors %v, "+
		"%d wrong, %d panics; %d requests, %d refused by the limiters; %s wall time",
		figures.processes, figures.kills, figures.reads, figures.exact, figures.clear, figures.clearKinds,
		figures.wrong, figures.panics, sim.Requests(), sim.RateLimited(), elapsed.Round(time.Second))
	for _, w := range figures.wrongs {
		t.Errorf("wrong: %s", w)
	}
	if figures.panics > 0 || figures.crashed > 0 {
		t.Errorf("%d processes panicked, %d crashed otherwise", figures.panics, figures.crashed)
	}
	if figures.exact == 0 {
		t.Error("no read was exact: the soak proves nothing")
	}
}

// raceRound runs one round of processes and adds its figures.
func raceRound(t *testing.T, sim *guancesim.Server, dir string, round int, rng *rand.Rand, figures *raceFigures) {
	t.Helper()
	children := make([]*childProcess, raceProcesses)
	stderrs := make([]*syncBuffer, raceProcesses)
	for i := range children {
		wait := raceRetryWaits[rng.IntN(len(raceRetryWaits))]
		skew := time.Duration(rng.Int64N(int64(2*raceMaxSkew))) - raceMaxSkew
		firstDay := (round*raceProcesses + i) * raceReadsEach
		stderrs[i] = &syncBuffer{}
		children[i] = startChild(t, "TestProcessesRacingOnOneKeyReadExactlyOrFailClearly",
			fmt.Sprintf("%s=%s|%s|%s|%s|%d", envRaceChild, sim.URL(), dir, wait, skew, firstDay), stderrs[i])
	}
	startTogether(t, children)
	for _, i := range rng.Perm(raceProcesses)[:raceKills] {
		after := time.Duration(rng.Int64N(int64(raceWindow)))
		time.AfterFunc(after, func() { _ = children[i].cmd.Process.Signal(syscall.SIGKILL) })
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, c := range children {
		wg.Go(func() {
			var outcomes []raceOutcome
			for c.stdout.Scan() {
				if line, ok := strings.CutPrefix(c.stdout.Text(), raceLine); ok {
					var o raceOutcome
					if err := json.Unmarshal([]byte(line), &o); err != nil {
						o = raceOutcome{Outcome: raceWrong, Detail: "unreadable report " + line}
					}
					outcomes = append(outcomes, o)
				}
			}
			err := c.cmd.Wait()
			mu.Lock()
			defer mu.Unlock()
			figures.processes++
			stderr := stderrs[i].String()
			failed := false
			if ws, ok := c.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
				figures.kills++
			} else if err != nil {
				failed = true
				t.Errorf("round %d, process %d: %v\n%s", round, i, err, stderr)
			}
			switch {
			case strings.Contains(stderr, "panic:"):
				figures.panics++
			case failed, strings.Contains(stderr, "fatal error:"), strings.Contains(stderr, "DATA RACE"):
				figures.crashed++
			}
			for _, o := range outcomes {
				figures.reads++
				switch o.Outcome {
				case raceExact:
					figures.exact++
				case raceClear:
					figures.clear++
					figures.clearKinds[o.Detail]++
				default:
					figures.wrong++
					figures.wrongs = append(figures.wrongs, fmt.Sprintf("round %d, process %d, %s: %s", round, i, o.Day, o.Detail))
				}
			}
		})
	}
	wg.Wait()
}

// raceAsChild is one process of the race soak: its clock off by the offset given, it reads
// its days all at once and reports each read as it ends.
func raceAsChild(t *testing.T, spec string) {
	parts := strings.Split(spec, "|")
	if len(parts) != 5 {
		t.Fatalf("bad %s %q", envRaceChild, spec)
	}
	wait, err := time.ParseDuration(parts[2])
	if err != nil {
		t.Fatal(err)
	}
	skew, err := time.ParseDuration(parts[3])
	if err != nil {
		t.Fatal(err)
	}
	var firstDay int
	if _, err := fmt.Sscan(parts[4], &firstDay); err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{
		BaseURL: parts[0], Token: guancesim.DefaultToken, RateLimit: raceLimit, RateWindow: raceWindow,
		SharedPacing: true, SharedPacingDir: parts[1], MaxRetryWait: wait, RequestTimeout: raceWindow,
		BaseDelay: raceWindow / 60, MaxDelay: raceWindow / 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	c.pacer.now = func() time.Time { return time.Now().Add(skew) }
	fmt.Println("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	var out sync.Mutex
	var wg sync.WaitGroup
	for i := range raceReadsEach {
		wg.Go(func() {
			day := Date{2020, time.January, 1}.AddDays(firstDay + i)
			o := raceRead(c, day)
			line, _ := json.Marshal(o)
			out.Lock()
			defer out.Unlock()
			fmt.Println(raceLine + string(line))
		})
	}
	wg.Wait()
}

// raceRead reads one day and judges the outcome: the exact bill, an error the soak knows to
// be clear, or wrong.
func raceRead(c *Client, day Date) raceOutcome {
	d, err := c.BillingDetails(context.Background(), Period{Start: day, End: day})
	o := raceOutcome{Day: day.String(), Outcome: raceWrong}
	var held *HeldByOtherProcessError
	var attempts *AttemptsError
	switch {
	case err != nil && leakedPiece(err.Error(), guancesim.DefaultToken) != "":
		o.Detail = "the error holds a piece of the token: " + err.Error()
	case err != nil && d != nil:
		o.Detail = "an error came with a result: " + err.Error()
	case errors.As(err, &held):
		o.Outcome, o.Detail = raceClear, "held by another process"
	case errors.As(err, &attempts) && isRateLimit(attempts.Last) && strings.Contains(attempts.Reason, "max_retry_wait"):
		o.Outcome, o.Detail = raceClear, "rate limited past max_retry_wait"
	case errors.As(err, &attempts) && isRateLimit(attempts.Last):
		o.Outcome, o.Detail = raceClear, "rate limited past max_attempts"
	case err != nil:
		o.Detail = "an error the soak does not know as clear: " + err.Error()
	default:
		if p := sameBill(d, guancesim.Records(guancesim.Options{}, day.Time(), day.Time())); p != "" {
			o.Detail = p
		} else {
			o.Outcome = raceExact
		}
	}
	return o
}

func isRateLimit(err error) bool {
	apiErr, ok := AsAPIError(err)
	return ok && apiErr.IsRateLimit()
}

// checkBookValid reads the book the processes left: JSON of this version, every slot and the
// hold within what any process's clock allows, no slot twice.
func checkBookValid(t *testing.T, endpoint, dir string) {
	t.Helper()
	private, err := openPrivateDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	data, err := private.ReadFile(sharedWindowName(endpoint, guancesim.DefaultToken)+".json", maxBookBytes)
	if err != nil {
		t.Fatalf("the book: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var book slotBook
	if err := dec.Decode(&book); err != nil || book.Version != slotBookVersion {
		t.Fatalf("the book is not valid (%v, version %d): %s", err, book.Version, data)
	}
	latest := time.Now().Add(raceMaxSkew + raceWindow + raceWindow).UnixNano() // window + lease
	seen := map[uint64]bool{}
	for _, s := range book.Slots {
		if s.Until > latest || s.Until <= 0 || seen[s.ID] {
			t.Errorf("slot %+v: out of bounds or booked twice, in %s", s, data)
		}
		seen[s.ID] = true
	}
	if book.HoldUntil > time.Now().Add(raceMaxSkew+raceWindow).UnixNano() || book.HeldSince > book.HoldUntil {
		t.Errorf("the hold runs from %d to %d: out of bounds", book.HeldSince, book.HoldUntil)
	}
}

// syncBuffer is a bytes.Buffer that a child's stderr and the test may use at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
