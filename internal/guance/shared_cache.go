package guance

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"
)

// sharedReadCache shares the answers of identical reads between the processes of one machine
// that use the same endpoint and token: Terragrunt's run-all, a CI matrix or Atlantis plan many
// stacks at once, each reading the same month and balance, and without it each spends the
// key's rate budget on its own copy of one answer.
//
// An entry is the raw body of a successful answer, in a file named by a SHA-256 of a domain
// prefix, the endpoint, the token and the request (path and query), with a header that repeats
// that name, says when the answer was stored and until when its writer meant it to be served,
// and a SHA-256 of header and body: a file cut short, garbled or written for another key is
// ignored and replaced. A reader decodes the body exactly as it decodes an answer from the
// network, so a cached read has the same exactness and the same refusals.
//
// Concurrent identical reads wait for the one in flight: the first books the key (a small file
// beside the entry, with its process id and a lease it renews while it reads) and the others
// look again until the entry is there or the booking is gone. The lock file guards only these
// looks, bookings and writes, never the network; a booking whose process died ends when its
// lease runs out, or at once when its process id is gone.
//
// The directory is a privateDir, as the pacing book's. When it cannot be used, the client says
// so in the DEBUG log once and reads alone, as it would without the cache.
type sharedReadCache struct {
	ttl      time.Duration
	capBytes int64 // the directory's entries together; oldest first out
	dir      string
	dirErr   error    // why there is no dir
	scope    [32]byte // SHA-256 of the prefix, endpoint and token: never the token itself
	logger   Logger
	now      func() time.Time

	// mu keeps this process's goroutines to one at a time at the lock file.
	mu       sync.Mutex
	private  privateDir
	lock     *flock.Flock
	failed   bool // the directory cannot be used: reads go alone
	reported bool // the cache's use is logged
}

const (
	// DefaultSharedReadTTL is how long an answer is served to the machine's other processes.
	DefaultSharedReadTTL = time.Minute
	// MaxSharedReadTTL bounds shared_read_ttl: the cache shares one answer between plans that
	// run together, it does not keep a bill.
	MaxSharedReadTTL = time.Hour
	// DefaultSharedReadCap bounds the cache directory's entries together.
	DefaultSharedReadCap = 256 << 20
	// readBookingLease is how long a booking holds other processes' identical reads without
	// being renewed: the most a booker that died unseen (its process id reused) or stopped
	// makes them wait. The booker renews it every third of it while it reads.
	readBookingLease = 10 * time.Second
	// clockSlack is how far in the future an entry's time may lie (another process's clock
	// read a moment later): beyond it the entry is not trusted.
	clockSlack = time.Second

	readCacheMagic   = "terraform-provider-guance read cache v1"
	readEntryExt     = ".entry"
	readBookingExt   = ".booking"
	readCacheLock    = "reads.lock"
	maxEntryHeader   = 256
	maxBookingBytes  = 1 << 10
	readWaitFirst    = 5 * time.Millisecond
	readWaitMost     = 50 * time.Millisecond
	sharedReadDomain = "terraform-provider-guance shared read cache v1"
)

// readCacheDirName is the folder in the user's cache directory for shared reads.
var readCacheDirName = filepath.Join("terraform-provider-guance", "reads")

// defaultReadCacheDir is where shared reads live unless the client is told otherwise.
func defaultReadCacheDir() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(cache, readCacheDirName), nil
}

// newSharedReadCache is nil when cfg turns the cache off.
func newSharedReadCache(cfg *Config, endpoint string) *sharedReadCache {
	if cfg.SharedReadTTL <= 0 {
		return nil
	}
	dir, err := cfg.SharedReadDir, error(nil)
	if dir == "" {
		dir, err = defaultReadCacheDir()
	}
	h := sha256.New()
	for _, part := range []string{sharedReadDomain, endpoint, cfg.Token} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	s := &sharedReadCache{ttl: cfg.SharedReadTTL, capBytes: cfg.SharedReadCap, dir: dir, dirErr: err, logger: cfg.Logger, now: time.Now}
	copy(s.scope[:], h.Sum(nil))
	return s
}

// key names the entry of one request: the scope (endpoint and token) and the exact path and
// query.
func (s *sharedReadCache) key(path, rawQuery string) string {
	h := sha256.New()
	h.Write(s.scope[:])
	h.Write([]byte(path))
	h.Write([]byte{0})
	h.Write([]byte(rawQuery))
	return hex.EncodeToString(h.Sum(nil))
}

// maxEntryBody is the largest answer kept: a quarter of the directory's cap, so that one
// answer never evicts everything else.
func (s *sharedReadCache) maxEntryBody() int64 { return s.capBytes / 4 }

// readEntry is an entry's header: its key, when it was stored, until when its writer meant it
// to be served, and the body's length.
type readEntry struct {
	key             string
	stored, expires time.Time
	length          int64
}

// encodeEntry writes an entry: a header line, a line with the SHA-256 of the header and the
// body in hex, and the body.
func encodeEntry(e readEntry, body []byte) []byte {
	header := fmt.Sprintf("%s %s %d %d %d\n", readCacheMagic, e.key, e.stored.UnixNano(), e.expires.UnixNano(), len(body))
	sum := sha256.New()
	sum.Write([]byte(header))
	sum.Write(body)
	out := make([]byte, 0, len(header)+2*sha256.Size+1+len(body))
	out = append(out, header...)
	out = hex.AppendEncode(out, sum.Sum(nil))
	out = append(out, '\n')
	return append(out, body...)
}

// parseEntryHeader reads an entry's header line from the start of data, and says where the
// checksum line starts.
func parseEntryHeader(data []byte) (readEntry, int, error) {
	end := bytes.IndexByte(data[:min(len(data), maxEntryHeader)], '\n')
	if end < 0 {
		return readEntry{}, 0, errors.New("no header line")
	}
	rest, ok := strings.CutPrefix(string(data[:end]), readCacheMagic+" ")
	if !ok {
		return readEntry{}, 0, errors.New("not an entry of this version")
	}
	fields := strings.Split(rest, " ")
	if len(fields) != 4 || len(fields[0]) != 2*sha256.Size {
		return readEntry{}, 0, errors.New("a garbled header")
	}
	var nums [3]int64
	for i, f := range fields[1:] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil || n < 0 || strconv.FormatInt(n, 10) != f {
			return readEntry{}, 0, fmt.Errorf("a garbled header field %q", f)
		}
		nums[i] = n
	}
	return readEntry{key: fields[0], stored: time.Unix(0, nums[0]), expires: time.Unix(0, nums[1]), length: nums[2]}, end + 1, nil
}

// decodeEntry checks a whole entry and returns its header and body: the body's length and the
// checksum must match, and the key must be want.
func decodeEntry(data []byte, want string) (readEntry, []byte, error) {
	e, at, err := parseEntryHeader(data)
	if err != nil {
		return e, nil, err
	}
	if e.key != want {
		return e, nil, errors.New("an entry of another key")
	}
	const sumLine = 2*sha256.Size + 1
	if len(data)-at < sumLine || data[at+sumLine-1] != '\n' {
		return e, nil, errors.New("cut short before its checksum")
	}
	body := data[at+sumLine:]
	if int64(len(body)) != e.length {
		return e, nil, fmt.Errorf("%d bytes of body where the header says %d", len(body), e.length)
	}
	sum := sha256.New()
	sum.Write(data[:at])
	sum.Write(body)
	got, err := hex.DecodeString(string(data[at : at+sumLine-1]))
	if err != nil || !bytes.Equal(got, sum.Sum(nil)) {
		return e, nil, errors.New("its checksum does not match")
	}
	return e, body, nil
}

// fresh reports whether an entry may be served at now, to a reader whose TTL is ttl.
func (e readEntry) fresh(now time.Time, ttl time.Duration) bool {
	return !e.stored.After(now.Add(clockSlack)) && now.Before(e.expires) && now.Sub(e.stored) < ttl
}

// readBooking is a read in flight: its process, an id of its own, and until when it holds.
type readBooking struct {
	PID   int    `json:"pid"`
	ID    string `json:"id"`
	Until int64  `json:"until"` // Unix nanoseconds
}

// lookResult is what a look at the cache found.
type lookResult int

const (
	lookHit    lookResult = iota // an entry to serve
	lookWait                     // another process is reading it
	lookBooked                   // this read is booked: read it and store it
	lookUnused                   // the cache cannot be used: read alone
)

// lookAt is what a look found: an entry's body and age, the booking to wait for, or why no
// entry was served, for the log.
type lookAt struct {
	result lookResult
	body   []byte
	age    time.Duration
	booker string // the id of the booking to wait for
	missed string
}

// look is one look at key's entry under the lock: a fresh entry is served; else another's
// live booking is waited for, unless this read already waited for an earlier one (waitedFor)
// that ended without an entry; else this read books the key under id, leaving another's live
// booking in place.
func (s *sharedReadCache) look(ctx context.Context, key, id, waitedFor string) lookAt {
	at := lookAt{result: lookUnused}
	s.locked(ctx, func(now time.Time) error {
		data, err := s.private.ReadFile(key+readEntryExt, s.maxEntryBody()+maxEntryHeader+2*sha256.Size+1)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			at.missed = "no entry"
		case err != nil:
			at.missed = "unreadable entry: " + err.Error()
			s.remove(key + readEntryExt)
		default:
			e, body, derr := decodeEntry(data, key)
			switch {
			case derr != nil:
				at.missed = "unusable entry: " + derr.Error()
				s.remove(key + readEntryExt)
			case !e.fresh(now, s.ttl):
				at.missed = "expired entry"
				s.remove(key + readEntryExt)
			default:
				at.result, at.body, at.age = lookHit, body, max(now.Sub(e.stored), 0)
				return nil
			}
		}
		if b, ok := s.booking(key); ok && b.ID != id && time.Unix(0, b.Until).After(now) && !processGone(b.PID) {
			if waitedFor == "" || waitedFor == b.ID {
				at.result, at.booker = lookWait, b.ID
			} else {
				at.result = lookBooked
			}
			return nil
		}
		if err := s.book(key, id, now); err != nil {
			return err
		}
		at.result = lookBooked
		return nil
	})
	return at
}

// renew extends this read's booking of key, if it still holds it.
func (s *sharedReadCache) renew(ctx context.Context, key, id string) {
	s.locked(ctx, func(now time.Time) error {
		if b, ok := s.booking(key); ok && b.ID == id {
			return s.book(key, id, now)
		}
		return nil
	})
}

// store writes body as key's entry and ends this read's booking; then it removes what has
// expired and, past the cap, the oldest entries.
func (s *sharedReadCache) store(ctx context.Context, key, id string, body []byte) {
	s.locked(ctx, func(now time.Time) error {
		s.unbookLocked(key, id)
		if int64(len(body)) > s.maxEntryBody() {
			return nil
		}
		if err := s.sweep(now, int64(len(body)), key); err != nil {
			return err
		}
		e := readEntry{key: key, stored: now, expires: now.Add(s.ttl)}
		return s.private.WriteFile(key+readEntryExt, encodeEntry(e, body))
	})
}

// unbook ends this read's booking of key, when the read failed: a failure is not cached, and
// the next waiter reads for itself.
func (s *sharedReadCache) unbook(ctx context.Context, key, id string) {
	s.locked(ctx, func(time.Time) error {
		s.unbookLocked(key, id)
		return nil
	})
}

func (s *sharedReadCache) unbookLocked(key, id string) {
	if b, ok := s.booking(key); ok && b.ID == id {
		s.remove(key + readBookingExt)
	}
}

func (s *sharedReadCache) booking(key string) (readBooking, bool) {
	data, err := s.private.ReadFile(key+readBookingExt, maxBookingBytes)
	if err != nil {
		return readBooking{}, false
	}
	var b readBooking
	if json.Unmarshal(data, &b) != nil || b.ID == "" {
		return readBooking{}, false
	}
	return b, true
}

func (s *sharedReadCache) book(key, id string, now time.Time) error {
	data, err := json.Marshal(readBooking{PID: os.Getpid(), ID: id, Until: now.Add(readBookingLease).UnixNano()})
	if err != nil {
		return err
	}
	return s.private.WriteFile(key+readBookingExt, data)
}

// remove removes a name of the directory; a symlink is removed, never followed.
func (s *sharedReadCache) remove(name string) {
	_ = os.Remove(s.private.File(name)) //nolint:gosec // a name of the cache's own, in a checked directory
}

// sweep, under the lock, removes expired and unusable entries, bookings past their lease and
// the temporary files of writers that died (every writer holds the lock); then, oldest first,
// entries until adding incoming bytes keeps the directory under its cap. keep is the entry
// about to be replaced, whose size does not count.
func (s *sharedReadCache) sweep(now time.Time, incoming int64, keep string) error {
	names, err := os.ReadDir(s.private.Path())
	if err != nil {
		return err
	}
	type kept struct {
		name   string
		stored time.Time
		size   int64
	}
	var entries []kept
	total := incoming
	for _, d := range names {
		name := d.Name()
		switch {
		case strings.HasSuffix(name, ".tmp"):
			s.remove(name)
		case strings.HasSuffix(name, readBookingExt):
			if b, ok := s.booking(strings.TrimSuffix(name, readBookingExt)); !ok || !time.Unix(0, b.Until).After(now) || processGone(b.PID) {
				s.remove(name)
			}
		case strings.HasSuffix(name, readEntryExt):
			if name == keep+readEntryExt {
				continue
			}
			e, size, ok := s.entryHeader(name)
			if !ok || !now.Before(e.expires) || e.stored.After(now.Add(clockSlack)) {
				s.remove(name)
				continue
			}
			entries = append(entries, kept{name, e.stored, size})
			total += size
		}
	}
	slices.SortFunc(entries, func(a, b kept) int { return a.stored.Compare(b.stored) })
	for _, e := range entries {
		if total <= s.capBytes {
			break
		}
		s.remove(e.name)
		total -= e.size
	}
	return nil
}

// entryHeader reads the header of the entry file name, and its size; not ok for anything but
// a regular file with a header that names it.
func (s *sharedReadCache) entryHeader(name string) (readEntry, int64, bool) {
	// Only the header is read, not the whole entry as privateDir.ReadFile would: the same flags.
	f, err := os.OpenFile(s.private.File(name), os.O_RDONLY|openNoFollow, 0) //nolint:gosec // as in privateDir.ReadFile
	if err != nil {
		return readEntry{}, 0, false
	}
	defer func() { _ = f.Close() }()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return readEntry{}, 0, false
	}
	head := make([]byte, maxEntryHeader)
	n, _ := io.ReadFull(f, head)
	e, _, err := parseEntryHeader(head[:n])
	if err != nil || e.key+readEntryExt != name {
		return readEntry{}, 0, false
	}
	return e, info.Size(), true
}

// locked runs f under the directory's lock. When the directory or the lock cannot be had, the
// cache is off for this client from then on, said once in the DEBUG log; f's error does the
// same, for a directory that cannot be written.
func (s *sharedReadCache) locked(ctx context.Context, f func(now time.Time) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failed {
		return
	}
	err := s.lockAndRun(ctx, f)
	if err != nil && ctx.Err() != nil {
		return
	}
	if err != nil {
		s.failed = true
		s.logger.Debug(ctx, "Guance API reads are not shared with other processes: the shared read cache cannot be used; "+
			"this process reads alone", map[string]any{"error": err.Error()})
		return
	}
	if !s.reported {
		s.reported = true
		s.logger.Debug(ctx, "Guance API reads are shared with the other processes using the same key and endpoint",
			map[string]any{"directory": s.private.Path(), "ttl": s.ttl.String()})
	}
}

func (s *sharedReadCache) lockAndRun(ctx context.Context, f func(now time.Time) error) error {
	if s.dirErr != nil {
		return s.dirErr
	}
	if s.lock == nil {
		private, err := openPrivateDir(s.dir)
		if err != nil {
			return fmt.Errorf("the read cache directory is not used, so that no one else can plant a file or a link in it: %w", err)
		}
		s.private, s.lock = private, private.Lock(readCacheLock)
	}
	waitCtx, cancel := context.WithTimeout(ctx, lockWait)
	defer cancel()
	locked, err := s.lock.TryLockContext(waitCtx, time.Millisecond)
	switch {
	case err != nil && ctx.Err() != nil:
		return ctx.Err()
	case err != nil && waitCtx.Err() != nil:
		return fmt.Errorf("another process has held %s for over %s", s.lock.Path(), lockWait)
	case err != nil:
		return err
	case !locked:
		return fmt.Errorf("could not lock %s", s.lock.Path())
	}
	defer func() { _ = s.lock.Unlock() }()
	return f(s.now())
}

// newBookingID is a random id for one read's booking.
func newBookingID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// bodyCapture keeps the raw body of an attempt's answer, up to a limit, for the shared cache.
type bodyCapture struct {
	buf   bytes.Buffer
	limit int64
	over  bool
}

func (b *bodyCapture) reset() { b.buf.Reset(); b.over = false }

func (b *bodyCapture) keep(p []byte) {
	if b.over {
		return
	}
	if int64(b.buf.Len()+len(p)) > b.limit {
		b.over = true
		b.buf = bytes.Buffer{}
		return
	}
	b.buf.Write(p)
}

// readShared is get through the shared read cache: a fresh entry of another process is
// decoded as the network's answer would be; an identical read in flight elsewhere is waited
// for; else this read books the key, reads from the network and stores the answer if it is a
// success. The DEBUG log says which, and the entry's age.
func (c *Client) readShared(ctx context.Context, endpoint, path, rawURL, rawQuery string, newContent newContentDecoder) (answered, error) {
	s := c.reads
	key, id := s.key(path, rawQuery), newBookingID()
	waitStart, wait, waitedFor := time.Now(), readWaitFirst, ""
	for {
		// A read waits for one read in flight at most (waitedFor): when that one ends without an
		// entry (it failed), this one reads for itself rather than queue behind the next, so
		// that a failing API costs the waiters one read's time, not one each in turn.
		at := s.look(ctx, key, id, waitedFor)
		result, body, age, missed := at.result, at.body, at.age, at.missed
		switch result {
		case lookHit:
			traceID, err := c.decodeCached(endpoint, body, newContent)
			if err == nil {
				c.cfg.Logger.Debug(ctx, "Guance API read served from the shared read cache", map[string]any{
					"endpoint": endpoint, "shared_cache": "hit", "age_ms": age.Milliseconds(),
					"waited_ms": time.Since(waitStart).Milliseconds(), "body_bytes": len(body)})
				return answered{traceID: traceID, pacing: c.pacing(0, nil)}, nil
			}
			// An entry this client cannot decode (written by another version of the provider)
			// is not an answer to trust; the network's is.
			c.cfg.Logger.Debug(ctx, "Guance API read not served from the shared read cache: its entry does not decode; reading alone",
				map[string]any{"endpoint": endpoint, "shared_cache": "miss", "error": err.Error()})
			return c.fetch(ctx, endpoint, rawURL, newContent, nil)
		case lookWait:
			if waitedFor == "" {
				c.cfg.Logger.Debug(ctx, "Guance API read waits for another process's identical read",
					map[string]any{"endpoint": endpoint, "shared_cache": "wait"})
			}
			waitedFor = at.booker
			if err := sleep(ctx, wait); err != nil {
				return answered{}, err
			}
			wait = min(2*wait, readWaitMost)
			continue
		case lookUnused:
			c.cfg.Logger.Debug(ctx, "Guance API read not shared: the shared read cache cannot be used; reading alone",
				map[string]any{"endpoint": endpoint, "shared_cache": "unusable"})
			return c.fetch(ctx, endpoint, rawURL, newContent, nil)
		}
		c.cfg.Logger.Debug(ctx, "Guance API read not in the shared read cache: reading from the API",
			map[string]any{"endpoint": endpoint, "shared_cache": "miss", "reason": missed})
		return c.fetchAndStore(ctx, key, id, endpoint, rawURL, newContent)
	}
}

// fetchAndStore reads for the processes waiting on this read's booking, renewing it meanwhile,
// and stores a successful answer.
func (c *Client) fetchAndStore(ctx context.Context, key, id, endpoint, rawURL string, newContent newContentDecoder) (answered, error) {
	s := c.reads
	renewing, stop := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(readBookingLease / 3)
		defer tick.Stop()
		for {
			select {
			case <-renewing.Done():
				return
			case <-tick.C:
				s.renew(renewing, key, id)
			}
		}
	}()
	capture := &bodyCapture{limit: s.maxEntryBody()}
	got, err := c.fetch(ctx, endpoint, rawURL, newContent, capture)
	stop()
	<-done
	cleanup := context.WithoutCancel(ctx)
	if err != nil || capture.over {
		s.unbook(cleanup, key, id)
		return got, err
	}
	s.store(cleanup, key, id, capture.buf.Bytes())
	return got, nil
}
