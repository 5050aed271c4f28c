package guance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gofrs/flock"
)

// fileWindow is a rate window shared by the processes of one machine that use the same key and
// endpoint: Terragrunt's run-all, a CI matrix or Atlantis run many Terraform processes at once,
// and each pacing itself alone to the key's limit would send that limit many times over.
//
// The slots and the gate's hold are kept in a small JSON file, read and written under a lock
// file beside it. The lock is held only to read the file, book or settle a slot and write it
// back, never while waiting for a slot or for the network. The file holds no token: its name
// is a SHA-256 of the endpoint and the token, and it records only slot ids and times. A
// booking whose process is killed before its answer ends by itself after a window and an
// attempt's longest time; a file that cannot be read is started afresh.
//
// When the file cannot be used (the directory is not writable, the disk is full, the lock
// cannot be had), the window says so in the DEBUG log once and from then on paces this process
// alone, going on from the slots this process booked: it keeps a copy of its own.
type fileWindow struct {
	rules  windowRules
	dir    string
	dirErr error  // why there is no dir
	name   string // the files' name without extension: the hash of endpoint and token
	logger Logger

	// mu keeps this process's goroutines to one at a time: the lock file excludes other
	// processes, and a Flock that is locked already lets its own holder straight in again.
	mu       sync.Mutex
	private  privateDir // dir, checked: set with lock
	lock     *flock.Flock
	own      slotBook // this process's slots and hold, to go on with alone
	failed   bool     // the file could not be used: the window is this process's alone
	reported bool     // the shared file's use is logged
}

// maxBookBytes bounds the book read: a book of the provider's highest requests_per_minute
// (1000) takes about 50 kB, and a longer file (garbled, or planted) is started afresh.
const maxBookBytes = 1 << 20

// lockWait is how long an update waits for another process to unlock. Updates take
// microseconds; a lock held this long belongs to a process that is stopped, not working.
const lockWait = 5 * time.Second

// pacingDirName is the folder in the user's cache directory for shared windows.
var pacingDirName = filepath.Join("terraform-provider-guance", "pacing")

// defaultPacingDir is where shared windows live unless the client is told otherwise.
func defaultPacingDir() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(cache, pacingDirName), nil
}

// sharedWindowName names the files of the window of one endpoint and token. A full SHA-256 of
// a random API key cannot be turned back into it; the prefix keeps the hash apart from any
// other use of the same inputs.
func sharedWindowName(endpoint, token string) string {
	h := sha256.New()
	for _, part := range []string{"terraform-provider-guance shared rate window v1", endpoint, token} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// newFileWindow makes the window shared through dir; dirErr, when not nil, says why there is no
// directory, and the window then paces this process alone from its first use.
func newFileWindow(dir string, dirErr error, endpoint, token string, r windowRules, logger Logger) *fileWindow {
	return &fileWindow{rules: r, dir: dir, dirErr: dirErr, name: sharedWindowName(endpoint, token), logger: logger}
}

func (w *fileWindow) bookName() string { return w.name + ".json" }

func (w *fileWindow) statePath() string { return filepath.Join(w.dir, w.bookName()) }

func (w *fileWindow) take(ctx context.Context, now time.Time) (uint64, slotWait, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var slot bookedSlot
	var wait slotWait
	var ok bool
	shared, err := w.update(ctx, func(b *slotBook) bool {
		tidied := b.tidy(now, w.rules)
		slot, wait.next, ok = b.take(now, w.rules)
		if !ok {
			wait.orphans = b.orphans(now, w.rules)
		}
		return ok || tidied
	})
	switch {
	case err != nil: // cancelled while waiting for the lock
		return 0, slotWait{next: now}, false
	case !shared:
		slot, wait.next, ok = w.own.take(now, w.rules)
		wait.orphans = nil
	case ok:
		w.own.tidy(now, w.rules)
		w.own.Slots = append(w.own.Slots, slot)
	}
	return slot.ID, wait, ok
}

func (w *fileWindow) settle(ctx context.Context, id uint64, now time.Time, refused bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.own.settle(id, now, w.rules, refused)
	_, _ = w.update(ctx, func(b *slotBook) bool {
		b.settle(id, now, w.rules, refused)
		return true
	})
}

func (w *fileWindow) hold(ctx context.Context, now, until time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.own.hold(now, until, w.rules)
	_, _ = w.update(ctx, func(b *slotBook) bool {
		b.hold(now, until, w.rules)
		return true
	})
}

func (w *fileWindow) held(ctx context.Context, now time.Time) holdSpan {
	w.mu.Lock()
	defer w.mu.Unlock()
	var span holdSpan
	shared, err := w.update(ctx, func(b *slotBook) bool {
		tidied := b.tidy(now, w.rules)
		span = b.held(now, w.rules)
		return tidied
	})
	if err != nil || !shared {
		return w.own.held(now, w.rules)
	}
	return span
}

// update reads the shared book under the lock, lets change alter it and writes it back when
// change says it did. It reports false when the file cannot be used: from then on, for good,
// the window is this process's alone. Its error is only ctx's, cancelled while it waited.
func (w *fileWindow) update(ctx context.Context, change func(*slotBook) bool) (bool, error) {
	if w.failed {
		return false, nil
	}
	if err := w.updateFile(ctx, change); err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		w.failed = true
		w.logger.Debug(ctx, "Guance API pacing is not shared with other processes: the pacing file cannot be used; "+
			"this process paces itself alone", map[string]any{"error": err.Error()})
		return false, nil
	}
	if !w.reported {
		w.reported = true
		w.logger.Debug(ctx, "Guance API pacing is shared with the other processes using the same key and endpoint",
			map[string]any{"file": w.statePath()})
	}
	return true, nil
}

func (w *fileWindow) updateFile(ctx context.Context, change func(*slotBook) bool) error {
	if w.dirErr != nil {
		return w.dirErr
	}
	if w.lock == nil {
		private, err := openPrivateDir(w.dir)
		if err != nil {
			return fmt.Errorf("the pacing directory is not used, so that no one else can plant a file or a link in it: %w", err)
		}
		w.private, w.lock = private, private.Lock(w.name+".lock")
	}
	waitCtx, cancel := context.WithTimeout(ctx, lockWait)
	defer cancel()
	locked, err := w.lock.TryLockContext(waitCtx, time.Millisecond)
	switch {
	case err != nil && ctx.Err() != nil:
		return ctx.Err()
	case err != nil && waitCtx.Err() != nil:
		return fmt.Errorf("another process has held %s for over %s", w.lock.Path(), lockWait)
	case err != nil:
		return err
	case !locked:
		return fmt.Errorf("could not lock %s", w.lock.Path())
	}
	defer func() { _ = w.lock.Unlock() }()
	book := w.read(ctx)
	if !change(&book) {
		return nil
	}
	return w.write(book)
}

// read returns the shared book; a missing, garbled or foreign file is an empty book, which the
// next write replaces.
func (w *fileWindow) read(ctx context.Context) slotBook {
	data, err := w.private.ReadFile(w.bookName(), maxBookBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return slotBook{Version: slotBookVersion}
	}
	var book slotBook
	if err == nil {
		book, err = parseBook(data)
	}
	if err != nil {
		w.logger.Debug(ctx, "Guance API pacing file unreadable, starting it afresh",
			map[string]any{"file": w.statePath(), "error": err.Error()})
		return slotBook{Version: slotBookVersion}
	}
	return book
}

// parseBook reads a book's file. Whatever it holds, the book is then only as far-reaching as
// tidy lets it be: times further off than the rules allow are cut back at the first look.
func parseBook(data []byte) (slotBook, error) {
	var book slotBook
	if len(data) > maxBookBytes {
		return book, fmt.Errorf("%d bytes, more than the %d a book may hold", len(data), maxBookBytes)
	}
	if err := json.Unmarshal(data, &book); err != nil {
		return book, err
	}
	if book.Version != slotBookVersion {
		return book, fmt.Errorf("version %d, not %d", book.Version, slotBookVersion)
	}
	return book, nil
}

// write replaces the file whole, so that a process killed while writing leaves the old file,
// not half a new one.
func (w *fileWindow) write(book slotBook) error {
	data, err := json.Marshal(book)
	if err != nil {
		return err
	}
	return w.private.WriteFile(w.bookName(), data)
}
