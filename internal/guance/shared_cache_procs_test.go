package guance

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

const (
	// envStackChild makes the test binary one stack of a many-stacks run: "URL|readDir|pacingDir|ttl".
	envStackChild = "GUANCE_TEST_READ_CACHE_CHILD"
	stackResult   = "many stacks child: "
	// envManyStacksFigures runs TestManyStacksFigures, which takes minutes: with the cache off,
	// 30 stacks need three windows of the key's limit.
	envManyStacksFigures = "GUANCE_MANY_STACKS_FIGURES"
)

// stacksMonth is what each stack reads: a whole past month, so that its forecast reads the
// same period as its totals, as a cost guard's do, and the balance.
var stacksMonth = Period{Start: Date{2024, time.March, 1}, End: Date{2024, time.March, 31}}

// stackRun is what a stack reports: when its reads began and ended, in Unix nanoseconds, how
// long they waited on pacing, and what went wrong.
type stackRun struct {
	Start, End int64
	PacingWait time.Duration
	Problems   []string
}

// manyStacks is one run of n stack processes against a simulator with the API's strict limit
// of 20 a minute (limited) or none, sharing reads for a minute (cached) or not.
type manyStacks struct {
	n                 int
	limited, cached   bool
	billing, balance  int // requests the simulator received
	refused           int
	wall, longestWait time.Duration
	problems          []string
}

func (m manyStacks) String() string {
	return fmt.Sprintf("%2d stacks, limit %-7s cache %-3s: %d billing + %d balance requests, %d refused, longest pacing wait %s, wall %s",
		m.n, map[bool]string{true: "20/min", false: "none"}[m.limited], map[bool]string{true: "on", false: "off"}[m.cached],
		m.billing, m.balance, m.refused, m.longestWait.Round(time.Millisecond), m.wall.Round(time.Millisecond))
}

// runStacks starts n stack processes, lets them read at once and gathers their reports.
func runStacks(t *testing.T, test string, n int, limited, cached bool) manyStacks {
	t.Helper()
	opts := guancesim.Options{}
	if limited {
		opts.RateLimit = DefaultRateLimit
	}
	sim := guancesim.NewServer(opts)
	defer sim.Close()
	ttl := time.Duration(0)
	if cached {
		ttl = time.Minute
	}
	readDir, pacingDir := filepath.Join(t.TempDir(), "reads"), filepath.Join(t.TempDir(), "pacing")
	children := make([]*childProcess, n)
	for i := range children {
		children[i] = startChild(t, test, fmt.Sprintf("%s=%s|%s|%s|%s", envStackChild, sim.URL(), readDir, pacingDir, ttl), os.Stderr)
	}
	startTogether(t, children)
	m := manyStacks{n: n, limited: limited, cached: cached}
	var start, end int64
	for i, c := range children {
		var run stackRun
		for c.stdout.Scan() {
			if line, ok := strings.CutPrefix(c.stdout.Text(), stackResult); ok {
				if err := json.Unmarshal([]byte(line), &run); err != nil {
					t.Fatalf("stack %d: %v", i, err)
				}
			}
		}
		if err := c.cmd.Wait(); err != nil {
			m.problems = append(m.problems, fmt.Sprintf("stack %d: %v", i, err))
		}
		for _, p := range run.Problems {
			m.problems = append(m.problems, fmt.Sprintf("stack %d: %s", i, p))
		}
		if start == 0 || run.Start < start {
			start = run.Start
		}
		end = max(end, run.End)
		m.longestWait = max(m.longestWait, run.PacingWait)
	}
	m.wall = time.Duration(end - start)
	m.billing, m.balance, m.refused = sim.Requests(), sim.RequestsTo(guancesim.PathBalance), sim.RateLimited()
	return m
}

// readAsStack is one stack: it reads the month's totals and forecast and the balance, as a
// cost guard does, and reports.
func readAsStack(t *testing.T, spec string) {
	parts := strings.Split(spec, "|")
	if len(parts) != 4 {
		t.Fatalf("bad %s %q", envStackChild, spec)
	}
	ttl, err := time.ParseDuration(parts[3])
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{
		BaseURL: parts[0], Token: guancesim.DefaultToken, SharedPacing: true, SharedPacingDir: parts[2],
		SharedReadTTL: ttl, SharedReadDir: parts[1],
	})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	run := stackRun{Start: time.Now().UnixNano()}
	ctx := context.Background()
	want := guancesim.Records(guancesim.Options{}, stacksMonth.Start.Time(), stacksMonth.End.Time())
	forecast := ForecastSpec{Period: stacksMonth, AsOf: Date{2024, time.April, 10}, LookbackDays: 7}
	elapsed, _ := forecast.Elapsed()
	switch d, err := c.BillingDetails(ctx, stacksMonth); {
	case err != nil:
		run.Problems = append(run.Problems, "totals: "+err.Error())
	case sameBill(d, want) != "":
		run.Problems = append(run.Problems, "totals: "+sameBill(d, want))
	default:
		run.PacingWait += d.Pacing.Waited
	}
	switch d, err := c.BillingDetails(ctx, elapsed); {
	case err != nil:
		run.Problems = append(run.Problems, "forecast: "+err.Error())
	default:
		f := NewForecast(forecast, d.Select(Filter{}))
		if total := Total(d.Select(Filter{}), func(r *BillingRecord) Decimal { return r.BillingResult }); f.Actual.String() != total.String() {
			run.Problems = append(run.Problems, fmt.Sprintf("forecast actual %s, totals %s", f.Actual, total))
		}
	}
	switch b, err := c.BillingBalance(ctx); {
	case err != nil:
		run.Problems = append(run.Problems, "balance: "+err.Error())
	case b.Total().String() != "15373.9":
		run.Problems = append(run.Problems, "balance total "+b.Total().String())
	default:
		run.PacingWait += b.Pacing.Waited
	}
	run.End = time.Now().UnixNano()
	out, _ := json.Marshal(run)
	fmt.Println(stackResult + string(out))
}

// Thirty stacks on one machine (Terragrunt run-all) each read the same month's totals and
// forecast and the balance, against the API's strict limit of 20 requests a minute: with the
// shared read cache they send one billing and one balance request between them, none fails,
// and the run takes about as long as against a server with no limit at all (both measured
// here and logged; without the cache, 60 requests at 20 a minute take two minutes of pacing).
func TestThirtyStacksReadingOneMonthSendOneRequestOfEach(t *testing.T) {
	if spec := os.Getenv(envStackChild); spec != "" {
		readAsStack(t, spec)
		return
	}
	const test = "TestThirtyStacksReadingOneMonthSendOneRequestOfEach"
	// Rounds in turn, so that the machine's load weighs on both alike; the medians compared.
	const rounds = 5
	var free, limited []manyStacks
	for range rounds {
		free = append(free, runStacks(t, test, 30, false, true))
		limited = append(limited, runStacks(t, test, 30, true, true))
	}
	for i := range rounds {
		t.Log(free[i])
		t.Log(limited[i])
	}
	freeWall, limitedWall := medianWall(free), medianWall(limited)
	t.Logf("median wall of %d rounds: %s against the limit, %s against no limit: %.2f×", rounds,
		limitedWall.Round(time.Millisecond), freeWall.Round(time.Millisecond), float64(limitedWall)/float64(freeWall))
	for _, m := range slices.Concat(free, limited) {
		for _, p := range m.problems {
			t.Error(p)
		}
		if m.billing != 1 || m.balance != 1 || m.refused != 0 {
			t.Errorf("%s; want 1 billing and 1 balance request, none refused", m)
		}
	}
	// A generous bound only, which a loaded machine keeps: the run without the cache takes two
	// minutes, and one read waiting for a pacing window would take one.
	if limitedWall > 30*time.Second {
		t.Errorf("30 stacks took %s against the limit", limitedWall)
	}
}

// medianWall is the median wall time of runs.
func medianWall(runs []manyStacks) time.Duration {
	walls := make([]time.Duration, len(runs))
	for i, m := range runs {
		walls[i] = m.wall
	}
	slices.Sort(walls)
	return walls[len(walls)/2]
}

// The figures of BENCHMARKS.md's "many stacks": 1, 10 and 30 stacks against the API's strict
// limit, with and without the shared read cache. It takes minutes; set
// GUANCE_MANY_STACKS_FIGURES=1 and run it with -v.
func TestManyStacksFigures(t *testing.T) {
	if spec := os.Getenv(envStackChild); spec != "" {
		readAsStack(t, spec)
		return
	}
	if os.Getenv(envManyStacksFigures) == "" {
		t.Skip("set " + envManyStacksFigures + "=1 to measure the many-stacks figures (minutes)")
	}
	for _, n := range []int{1, 10, 30} {
		for _, cached := range []bool{true, false} {
			m := runStacks(t, "TestManyStacksFigures", n, true, cached)
			t.Log(m)
			for _, p := range m.problems {
				t.Error(p)
			}
			if m.refused != 0 {
				t.Errorf("%s: refused requests", m)
			}
		}
	}
}

const envKilledWriter = "GUANCE_TEST_KILLED_WRITER_CHILD"

// A process killed with kill -9 at a random point while it writes entries never leaves one
// that is served: 50 tries, each killing a writer of large answers, then a reader that must get
// an answer whole or nothing.
func TestAProcessKilledMidWriteNeverLeavesAnEntryThatIsServed(t *testing.T) {
	if dir := os.Getenv(envKilledWriter); dir != "" {
		writeEntriesUntilKilled(dir)
		return
	}
	t.Parallel()
	dir := t.TempDir()
	s := killTestCache(dir)
	key := s.key(BalancePath, "")
	served, midWrite := 0, 0
	for try := range 50 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestAProcessKilledMidWriteNeverLeavesAnEntryThatIsServed$", "-test.count=1") //nolint:gosec // this test binary
		cmd.Env = append(os.Environ(), envKilledWriter+"="+dir)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if !scanTo(bufio.NewScanner(stdout), "writing") {
			t.Fatalf("try %d: the writer never started", try)
		}
		time.Sleep(time.Duration(rand.N(40_000)) * time.Microsecond) //nolint:gosec // a random moment
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		if left, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(left) > 0 {
			midWrite++
		}
		at := s.look(context.Background(), key, fmt.Sprint("reader", try), "")
		switch at.result {
		case lookHit:
			served++
			if p := checkBigAnswer(at.body); p != "" {
				t.Fatalf("try %d: an entry served after a kill mid-write is not a whole answer: %s", try, p)
			}
		case lookBooked:
			s.unbook(context.Background(), key, fmt.Sprint("reader", try))
		default:
			t.Fatalf("try %d: look found %d", try, at.result)
		}
	}
	t.Logf("50 writers killed at random points, %d of them mid-write (a temporary file left): %d times a whole entry was served, %d times none",
		midWrite, served, 50-served)
}

func killTestCache(dir string) *sharedReadCache {
	return newSharedReadCache(&Config{Token: "killed writer", SharedReadTTL: time.Hour, SharedReadDir: dir,
		SharedReadCap: DefaultSharedReadCap, Logger: nopLogger{}}, "http://127.0.0.1")
}

// bigAnswer is answer i: over 4 MiB whose every byte is fixed by i, so that a reader can tell
// a whole answer from a cut or mixed one.
func bigAnswer(i int) []byte {
	pad := strings.Repeat(fmt.Sprintf("%08d", i), (4<<20+i%(1<<18))/8)
	return fmt.Appendf(nil, `{"seed":%d,"pad":%q}`, i, pad)
}

func checkBigAnswer(body []byte) string {
	var a struct{ Seed int }
	if err := json.Unmarshal(body, &a); err != nil {
		return err.Error()
	}
	if want := bigAnswer(a.Seed); string(want) != string(body) {
		return fmt.Sprintf("%d bytes, not answer %d's %d", len(body), a.Seed, len(want))
	}
	return ""
}

// writeEntriesUntilKilled stores answers as a process that read them would, until killed.
func writeEntriesUntilKilled(dir string) {
	s := killTestCache(dir)
	key := s.key(BalancePath, "")
	// Made beforehand, so that the writer spends its time writing.
	answers := [][]byte{bigAnswer(1), bigAnswer(2), bigAnswer(3)}
	fmt.Println("writing")
	for i := 0; ; i++ {
		s.store(context.Background(), key, fmt.Sprint("writer", i), answers[i%len(answers)])
	}
}
