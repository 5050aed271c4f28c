package guance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// cachingClient is a client sharing its reads through dir, as one process of many: each
// client has its own in-process cache, so a second client with the same dir stands for a
// second process.
func cachingClient(t *testing.T, sim *guancesim.Server, dir string, log Logger, tweak ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		BaseURL: sim.URL(), Token: guancesim.DefaultToken, SharedReadTTL: time.Minute, SharedReadDir: dir, Logger: log,
		BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond,
	}
	for _, f := range tweak {
		f(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var cachedDay = Period{Start: Date{2024, time.March, 1}, End: Date{2024, time.March, 1}}

// readExactly reads period with c and fails the test unless the bill is the simulator's.
func readExactly(t *testing.T, c *Client, period Period) {
	t.Helper()
	d, err := c.BillingDetails(context.Background(), period)
	if err != nil {
		t.Fatalf("read of %s: %v", period, err)
	}
	if p := sameBill(d, guancesim.Records(guancesim.Options{}, period.Start.Time(), period.End.Time())); p != "" {
		t.Fatalf("read of %s: %s", period, p)
	}
}

// entryFile is the path of the entry of a billing read of period by c.
func entryFile(c *Client, period Period) string {
	query := fmt.Sprintf("endDate=%s&startDate=%s", period.End.compact(), period.Start.compact())
	return filepath.Join(c.reads.dir, c.reads.key(BillingDetailsPath, query)+readEntryExt)
}

// A second process's identical reads of the billing list and the balance are served from the
// first one's answers, with no request, decoded to the same exact values; its DEBUG log says
// they came from the shared cache and how old the entry was.
func TestAnotherProcesssIdenticalReadIsServedWithNoRequest(t *testing.T) {
	t.Parallel()
	sim := guancesim.NewServer(guancesim.Options{})
	t.Cleanup(sim.Close)
	dir := t.TempDir()
	first := cachingClient(t, sim, dir, nil)
	readExactly(t, first, cachedDay)
	balance, err := first.BillingBalance(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	log := &recordingLogger{}
	second := cachingClient(t, sim, dir, log)
	readExactly(t, second, cachedDay)
	again, err := second.BillingBalance(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sim.Requests() != 1 || sim.RequestsTo(guancesim.PathBalance) != 1 {
		t.Errorf("%d billing and %d balance requests, want 1 each", sim.Requests(), sim.RequestsTo(guancesim.PathBalance))
	}
	if again.Total().String() != balance.Total().String() || again.Cash.String() != balance.Cash.String() {
		t.Errorf("balance from the cache %s (cash %s), from the API %s (cash %s)", again.Total(), again.Cash, balance.Total(), balance.Cash)
	}
	if n := strings.Count(log.String(), "[DEBUG] Guance API read served from the shared read cache: map[age_ms:"); n != 2 {
		t.Errorf("%d DEBUG lines say a read was served from the shared cache with its age, want 2:\n%s", n, log)
	}
	// Another period is another request.
	readExactly(t, second, Period{Start: cachedDay.Start, End: cachedDay.End.AddDays(1)})
	if sim.Requests() != 2 {
		t.Errorf("%d billing requests after a read of another period, want 2", sim.Requests())
	}
}

// A failed read is not cached: the next process asks the API itself and reads the bill.
func TestAFailedReadIsNeverCached(t *testing.T) {
	t.Parallel()
	sim := guancesim.NewServer(guancesim.Options{})
	t.Cleanup(sim.Close)
	dir := t.TempDir()
	sim.InjectFault(guancesim.FaultSuccessFalse, 1)
	if _, err := cachingClient(t, sim, dir, nil).BillingDetails(context.Background(), cachedDay); err == nil {
		t.Fatal("a success: false answer was read as a bill")
	}
	if _, err := os.Stat(entryFile(cachingClient(t, sim, dir, nil), cachedDay)); !os.IsNotExist(err) {
		t.Errorf("a failed read left an entry (%v)", err)
	}
	readExactly(t, cachingClient(t, sim, dir, nil), cachedDay)
	if sim.Requests() != 2 {
		t.Errorf("%d requests, want 2: the failure, then a read of its own", sim.Requests())
	}
}

// An entry cut at any length, or with any one byte flipped, is refused by its checks.
func TestAnEntryCutAtAnyLengthOrWithAFlippedByteIsRefused(t *testing.T) {
	t.Parallel()
	key := strings.Repeat("ab", 32)
	body := []byte(`{"code":200,"content":[{"billingResult":"12.50"}],"success":true,"traceId":"t"}`)
	now := time.Unix(1_700_000_000, 0)
	entry := encodeEntry(readEntry{key: key, stored: now, expires: now.Add(time.Minute)}, body)
	if _, got, err := decodeEntry(entry, key); err != nil || !bytes.Equal(got, body) {
		t.Fatalf("a whole entry: %v, body %q", err, got)
	}
	for n := range len(entry) {
		if _, _, err := decodeEntry(entry[:n], key); err == nil {
			t.Errorf("an entry cut to %d of its %d bytes was accepted", n, len(entry))
		}
	}
	for i := range entry {
		flipped := bytes.Clone(entry)
		flipped[i] ^= 0x01
		if _, _, err := decodeEntry(flipped, key); err == nil {
			t.Errorf("an entry with byte %d flipped (%q) was accepted", i, flipped[i])
		}
	}
	if _, _, err := decodeEntry(entry, strings.Repeat("cd", 32)); err == nil {
		t.Error("another key's entry was accepted")
	}
}

// A cut, garbled or foreign entry file in the directory is ignored, the API is asked, and the
// file is replaced by a whole entry.
func TestADamagedOrForeignEntryIsIgnoredAndReplaced(t *testing.T) {
	t.Parallel()
	sim := guancesim.NewServer(guancesim.Options{})
	t.Cleanup(sim.Close)
	dir := t.TempDir()
	readExactly(t, cachingClient(t, sim, dir, nil), cachedDay)
	other := Period{Start: cachedDay.Start.AddDays(1), End: cachedDay.End.AddDays(1)}
	readExactly(t, cachingClient(t, sim, dir, nil), other)
	path := entryFile(cachingClient(t, sim, dir, nil), cachedDay)
	whole, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := os.ReadFile(entryFile(cachingClient(t, sim, dir, nil), other))
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(whole)
	flipped[len(flipped)-10] ^= 0x20
	damaged := map[string][]byte{"cut": whole[:len(whole)/2], "flipped": flipped, "foreign": foreign, "empty": nil}
	requests := sim.Requests()
	for name, data := range damaged {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		readExactly(t, cachingClient(t, sim, dir, nil), cachedDay)
		requests++
		if sim.Requests() != requests {
			t.Errorf("%s entry: %d requests, want %d: it must not be served", name, sim.Requests(), requests)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := decodeEntry(data, filepath.Base(strings.TrimSuffix(path, readEntryExt))); err != nil {
			t.Errorf("%s entry not replaced by a whole one: %v", name, err)
		}
	}
}

// The directory is 0700 and its files 0600, and nothing in them holds the token.
func TestTheCacheIsPrivateAndHoldsNoToken(t *testing.T) {
	t.Parallel()
	sim := guancesim.NewServer(guancesim.Options{})
	t.Cleanup(sim.Close)
	dir := filepath.Join(t.TempDir(), "reads")
	c := cachingClient(t, sim, dir, nil)
	readExactly(t, c, cachedDay)
	if _, err := c.BillingBalance(context.Background()); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(dir)
	if err != nil || info.Mode().Perm() != 0o700 {
		t.Fatalf("directory %v, mode %v; want 0700", err, info.Mode())
	}
	files, _ := os.ReadDir(dir)
	entries := 0
	for _, f := range files {
		info, _ := f.Info()
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %04o, want 0600", f.Name(), info.Mode().Perm())
		}
		entries += strings.Count(f.Name(), readEntryExt)
		data, _ := os.ReadFile(filepath.Join(dir, f.Name()))
		if bytes.Contains(data, []byte(guancesim.DefaultToken)) || strings.Contains(f.Name(), guancesim.DefaultToken) {
			t.Errorf("%s holds the token", f.Name())
		}
	}
	if entries != 2 {
		t.Errorf("%d entries, want 2 (the billing list and the balance)", entries)
	}
}

// Whoever stores an entry removes the expired ones; an expired entry is not served.
func TestExpiredEntriesAreRemovedByWhoeverPassesBy(t *testing.T) {
	t.Parallel()
	sim := guancesim.NewServer(guancesim.Options{})
	t.Cleanup(sim.Close)
	dir := t.TempDir()
	clock := time.Now()
	at := func(c *Client) *Client { c.reads.now = func() time.Time { return clock }; return c }
	readExactly(t, at(cachingClient(t, sim, dir, nil)), cachedDay)
	old := entryFile(cachingClient(t, sim, dir, nil), cachedDay)
	clock = clock.Add(2 * time.Minute)
	readExactly(t, at(cachingClient(t, sim, dir, nil)), Period{Start: cachedDay.Start.AddDays(3), End: cachedDay.End.AddDays(3)})
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("an expired entry is still there (%v)", err)
	}
	readExactly(t, at(cachingClient(t, sim, dir, nil)), cachedDay)
	if sim.Requests() != 3 {
		t.Errorf("%d requests, want 3: the expired entry must not be served", sim.Requests())
	}
}

// Past the directory's cap, the oldest entries go first.
func TestTheCacheStaysUnderItsCapOldestFirst(t *testing.T) {
	t.Parallel()
	sim := guancesim.NewServer(guancesim.Options{})
	t.Cleanup(sim.Close)
	dir := t.TempDir()
	readExactly(t, cachingClient(t, sim, dir, nil), cachedDay)
	info, err := os.Stat(entryFile(cachingClient(t, sim, dir, nil), cachedDay))
	if err != nil {
		t.Fatal(err)
	}
	capBytes := 5*info.Size() + info.Size()/2 // room for five entries of a day
	small := func(cfg *Config) { cfg.SharedReadCap = capBytes }
	var periods []Period
	for day := range 8 {
		p := Period{Start: cachedDay.Start.AddDays(day), End: cachedDay.End.AddDays(day)}
		periods = append(periods, p)
		readExactly(t, cachingClient(t, sim, dir, nil, small), p)
		time.Sleep(2 * time.Millisecond) // distinct storing times
	}
	var total int64
	for i, p := range periods {
		info, err := os.Stat(entryFile(cachingClient(t, sim, dir, nil), p))
		kept := err == nil
		if kept {
			total += info.Size()
		}
		if want := i >= 3; kept != want {
			t.Errorf("entry of day %d kept %t, want %t", i, kept, want)
		}
	}
	if total > capBytes {
		t.Errorf("%d bytes of entries, over the cap of %d", total, capBytes)
	}
}

// A symlink planted at an entry's, a booking's or the lock's path is not followed: its target
// is untouched, and the read is exact.
func TestASymlinkPlantedInTheCacheIsNotFollowed(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"entry", "booking", "lock"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sim := guancesim.NewServer(guancesim.Options{})
			t.Cleanup(sim.Close)
			dir := t.TempDir()
			target := filepath.Join(t.TempDir(), "target")
			if err := os.WriteFile(target, []byte("precious"), 0o600); err != nil {
				t.Fatal(err)
			}
			c := cachingClient(t, sim, dir, nil)
			path := map[string]string{
				"entry":   entryFile(c, cachedDay),
				"booking": strings.TrimSuffix(entryFile(c, cachedDay), readEntryExt) + readBookingExt,
				"lock":    filepath.Join(dir, readCacheLock),
			}[name]
			if err := os.Symlink(target, path); err != nil {
				t.Fatal(err)
			}
			readExactly(t, c, cachedDay)
			readExactly(t, cachingClient(t, sim, dir, nil), cachedDay)
			if data, err := os.ReadFile(target); err != nil || string(data) != "precious" {
				t.Errorf("the symlink's target holds %q (%v)", data, err)
			}
		})
	}
}

// A cache directory that cannot be used (here, a path through a file) leaves the client reading
// alone, with one DEBUG line saying so.
func TestAnUnusableCacheDirectoryFallsBackToReadingAlone(t *testing.T) {
	t.Parallel()
	sim := guancesim.NewServer(guancesim.Options{})
	t.Cleanup(sim.Close)
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	open := t.TempDir()
	if err := os.Chmod(open, 0o777); err != nil { //nolint:gosec // a directory others can write, for the test
		t.Fatal(err)
	}
	for _, dir := range []string{filepath.Join(notADir, "reads"), open} {
		log := &recordingLogger{}
		c := cachingClient(t, sim, dir, log)
		readExactly(t, c, cachedDay)
		readExactly(t, cachingClient(t, sim, dir, nil), cachedDay)
		if _, err := c.BillingBalance(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(log.String(), "[DEBUG] Guance API reads are not shared with other processes"); n != 1 {
			t.Errorf("%s: %d DEBUG lines say reads are not shared, want 1:\n%s", dir, n, log)
		}
	}
	if sim.Requests() != 4 {
		t.Errorf("%d requests, want 4: each read alone", sim.Requests())
	}
}

// Identical reads at once wait for the one in flight: one request between them.
func TestIdenticalReadsInFlightWaitForTheFirst(t *testing.T) {
	t.Parallel()
	sim := guancesim.NewServer(guancesim.Options{Latency: 300 * time.Millisecond})
	t.Cleanup(sim.Close)
	dir := t.TempDir()
	done := make(chan struct{})
	for range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			readExactly(t, cachingClient(t, sim, dir, nil), cachedDay)
		}()
	}
	for range 4 {
		<-done
	}
	if sim.Requests() != 1 {
		t.Errorf("%d requests for 4 identical reads at once, want 1", sim.Requests())
	}
}

// A booking whose process is gone holds no one; one whose process lives but stopped renewing
// holds the others until its lease ends, and no longer.
func TestABookingWhoseReaderIsGoneHoldsNoOneBeyondItsLease(t *testing.T) {
	t.Parallel()
	sim := guancesim.NewServer(guancesim.Options{})
	t.Cleanup(sim.Close)
	for _, tc := range []struct {
		name  string
		pid   int
		lease time.Duration
	}{{"process gone", deadPID(t), time.Hour}, {"lease over", os.Getpid(), 300 * time.Millisecond}} {
		dir := t.TempDir()
		c := cachingClient(t, sim, dir, nil)
		booking, _ := json.Marshal(readBooking{PID: tc.pid, ID: "elsewhere", Until: time.Now().Add(tc.lease).UnixNano()})
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(strings.TrimSuffix(entryFile(c, cachedDay), readEntryExt)+readBookingExt, booking, 0o600); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		readExactly(t, c, cachedDay)
		t.Logf("%s: read after %s", tc.name, time.Since(start).Round(time.Millisecond))
		if took := time.Since(start); took > 20*time.Second {
			t.Errorf("%s: a read waited %s for a booking whose reader is gone", tc.name, took)
		}
	}
}

// deadPID is the id of a process that has ended.
func deadPID(t *testing.T) int {
	t.Helper()
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	return gone.Process.Pid
}

// A read waits for one read in flight at most: when that one ended without an entry (it
// failed) and another process has booked the key since, this read goes for itself, so that
// a failing API costs the waiters one read's time, not one each in turn.
func TestAReadWaitsForOneReadInFlightAtMost(t *testing.T) {
	t.Parallel()
	s := killTestCache(t.TempDir())
	ctx := context.Background()
	key := s.key(BalancePath, "")
	if at := s.look(ctx, key, "first", ""); at.result != lookBooked {
		t.Fatalf("the first read found %d, want to book", at.result)
	}
	at := s.look(ctx, key, "second", "")
	if at.result != lookWait || at.booker != "first" {
		t.Fatalf("the second read found %d booked by %q, want to wait for the first", at.result, at.booker)
	}
	if again := s.look(ctx, key, "second", "first"); again.result != lookWait {
		t.Errorf("while the first read is in flight, the second found %d, want to wait still", again.result)
	}
	s.unbook(ctx, key, "first") // the first read failed
	if at := s.look(ctx, key, "third", ""); at.result != lookBooked {
		t.Fatalf("the third read found %d, want to book", at.result)
	}
	if at := s.look(ctx, key, "second", "first"); at.result != lookBooked {
		t.Errorf("after the read it waited for failed, the second found %d, want to read for itself", at.result)
	}
	if b, _ := s.booking(key); b.ID != "third" {
		t.Errorf("the booking is %q's, want the third's, left in place", b.ID)
	}
}

// Whatever a read cache file holds, decoding it never panics, and it is accepted only when it
// is an entry as encodeEntry writes it: the same header, body and checksum.
func FuzzReadCacheEntry(f *testing.F) {
	key := strings.Repeat("0f", 32)
	stored := time.Unix(1_700_000_000, 0)
	whole := encodeEntry(readEntry{key: key, stored: stored, expires: stored.Add(time.Minute)}, []byte(`{"content":[]}`))
	f.Add(whole)
	f.Add(whole[:len(whole)-1])
	f.Add([]byte(readCacheMagic + " " + key + " 1 2 3\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		e, body, err := decodeEntry(data, key)
		if err != nil {
			return
		}
		if again := encodeEntry(e, body); !bytes.Equal(again, data) {
			t.Errorf("accepted %q, which is not the entry it decodes to (%q)", data, again)
		}
	})
}

// An answer of a quarter of the cap at most is kept and served; a larger one is read alone and
// not kept, so that one answer never pushes out every other.
func TestAnAnswerOverAQuarterOfTheCapIsNotKept(t *testing.T) {
	t.Parallel()
	sim := guancesim.NewServer(guancesim.Options{})
	t.Cleanup(sim.Close)
	probe := t.TempDir()
	readExactly(t, cachingClient(t, sim, probe, nil), cachedDay)
	data, err := os.ReadFile(entryFile(cachingClient(t, sim, probe, nil), cachedDay))
	if err != nil {
		t.Fatal(err)
	}
	e, _, err := parseEntryHeader(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		capBytes int64
		kept     bool
	}{{4 * e.length, true}, {4 * (e.length - 1), false}} {
		dir := t.TempDir()
		capped := func(cfg *Config) { cfg.SharedReadCap = tc.capBytes }
		before := sim.Requests()
		readExactly(t, cachingClient(t, sim, dir, nil, capped), cachedDay)
		readExactly(t, cachingClient(t, sim, dir, nil, capped), cachedDay)
		want := 2
		if tc.kept {
			want = 1
		}
		if got := sim.Requests() - before; got != want {
			t.Errorf("an answer of %d bytes under a cap of %d: %d requests for two reads, want %d", e.length, tc.capBytes, got, want)
		}
	}
}

// When the read others waited for fails, the failure is not shared: each of them reads for
// itself, at once and not in turn, and gets the bill.
func TestReadsThatWaitedForAFailedReadEachReadForThemselves(t *testing.T) {
	t.Parallel()
	sim := guancesim.NewServer(guancesim.Options{Latency: 200 * time.Millisecond})
	t.Cleanup(sim.Close)
	sim.InjectFault(guancesim.FaultSuccessFalse, 1)
	dir := t.TempDir()
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			d, err := cachingClient(t, sim, dir, nil).BillingDetails(context.Background(), cachedDay)
			if err == nil {
				if p := sameBill(d, guancesim.Records(guancesim.Options{}, cachedDay.Start.Time(), cachedDay.End.Time())); p != "" {
					err = fmt.Errorf("not the bill: %s", p)
				}
			}
			errs <- err
		}()
	}
	failed := 0
	for range 4 {
		if err := <-errs; err != nil {
			failed++
			if !strings.Contains(err.Error(), "success") {
				t.Errorf("a read failed otherwise than with the injected fault: %v", err)
			}
		}
	}
	if failed != 1 || sim.Requests() > 4 {
		t.Errorf("%d reads failed with %d requests; want only the one that met the fault, and at most a request each", failed, sim.Requests())
	}
	t.Logf("%d requests for 4 reads, the first failed", sim.Requests())
}
