package guance

import (
	"context"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"time"
)

// pacer keeps the client under the API's per-key limit, and out of step with however the
// server counts it. It has two parts.
//
// Slots. The pacer holds limit slots; every HTTP request takes one, a redirect's request
// included, and when its answer is in the slot stays closed for a whole window. A slot is
// released after the answer, not after sending, so however the server counts (rolling or
// fixed windows, arrival or completion time) it never sees more than limit requests of this
// client in one window.
//
// The gate. A limit answer means the server counts differently: another client shares the
// key, its window is fixed and phased differently, or its limit is lower. Sending the other
// reads on, or sending the refused one back when its slot reopens a window later, would land
// in the same phase of the server's window again and again. So a limit answer closes the gate
// for the whole client: no request is sent until a hold has passed, then one request goes
// alone as a probe, and only its success opens the gate for the others. The hold grows with
// each refused probe (from a twelfth of the window, doubling, up to a whole window, with
// jitter, at least any Retry-After), so probes walk through the server's window instead of
// returning to one phase of it. The gate also starts closed: a client's first request is a
// probe, so a client that starts inside a refusing phase has one request refused, not a
// batch. The probe's cost is one answer's headers before the others start.
//
// A refused request gives its slot back at once: the server did not serve it, and the gate
// holds every request until the server accepts one again. Keeping the slot closed for a
// window would send a later request into the refusing phase of the next window.
//
// The slots and the gate's hold live in a rateWindow: the client's own (memoryWindow), or
// one that the processes of a machine using the same key and endpoint share (fileWindow), so
// that together they stay under the key's limit and one's limit answer holds them all.
type pacer struct {
	window time.Duration
	slots  rateWindow // the slots in use, and the gate's hold as other processes see it
	now    func() time.Time

	mu        sync.Mutex
	freed     chan struct{} // closed when this client frees or reopens a slot, for its waiters
	open      bool          // false until a probe succeeds, and after a limit answer
	probe     chan struct{} // closed when the probe in flight settles; nil when none is
	holdUntil time.Time
	// heldByOther is the hold another process wrote, when the gate holds for it rather than
	// for a limit answer of this client's; zero otherwise.
	heldByOther holdSpan
	refused     int   // refused probes since the gate was last open
	lastLimit   error // the last limit answer, for a read that gives up waiting
}

func newPacer(slots rateWindow, window time.Duration) *pacer {
	return &pacer{window: window, slots: slots, now: time.Now, freed: make(chan struct{})}
}

// gateBudgetError means the gate would hold a read past the wait it has left: for this
// client's own limit answer (lastLimit), or for another process's hold (byOther).
type gateBudgetError struct {
	lastLimit error
	byOther   holdSpan // zero when the hold is this client's own
}

func (e *gateBudgetError) Error() string {
	return "the gate would hold the read past its total retry wait"
}

// pass is one attempt's way through the gate.
type pass struct {
	p       *pacer
	isProbe bool
	settled bool
}

// enter waits until the gate lets an attempt through: past any hold, and after the probe in
// flight, if any, has opened the gate; or it makes the attempt the probe. It gives up with a
// *gateBudgetError rather than hold longer than budget in all, and reports how long it held.
func (p *pacer) enter(ctx context.Context, budget time.Duration) (*pass, time.Duration, error) {
	start := p.now()
	for {
		shared := p.slots.held(ctx, p.now())
		p.mu.Lock()
		if now := p.now(); shared.Until.After(p.holdUntil) && shared.Until.After(now) {
			// Another process on the key met the limit: hold as it does, then probe.
			p.holdUntil, p.open, p.heldByOther = shared.Until, false, shared
		}
		wait, probe := p.holdUntil.Sub(p.now()), p.probe
		switch {
		case wait > 0:
			refusal := &gateBudgetError{lastLimit: p.lastLimit, byOther: p.heldByOther}
			p.mu.Unlock()
			if p.now().Sub(start)+wait > budget {
				return nil, p.now().Sub(start), refusal
			}
			if err := sleep(ctx, wait); err != nil {
				return nil, p.now().Sub(start), err
			}
		case probe != nil:
			p.mu.Unlock()
			select {
			case <-probe:
			case <-ctx.Done():
				return nil, p.now().Sub(start), ctx.Err()
			}
		case !p.open:
			p.probe = make(chan struct{})
			p.mu.Unlock()
			return &pass{p: p, isProbe: true}, p.now().Sub(start), nil
		default:
			p.mu.Unlock()
			return &pass{p: p}, p.now().Sub(start), nil
		}
	}
}

// answered settles the pass with an answer that is not a limit: a successful probe opens the
// gate.
func (s *pass) answered() {
	p := s.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if s.isProbe && !s.settled {
		p.open, p.refused = true, 0
		p.endProbe()
	}
	s.settled = true
}

// limited settles the pass with a limit answer: the gate closes and holds, for the other
// processes sharing the window too; a refused probe makes the hold longer. retryAfter is the
// answer's Retry-After, 0 when it had none.
func (s *pass) limited(ctx context.Context, err error, retryAfter time.Duration) {
	p := s.p
	p.mu.Lock()
	p.lastLimit = err
	held := s.isProbe || p.open
	if held {
		p.refused++
		hold := max(p.hold(p.refused), retryAfter)
		p.holdUntil, p.heldByOther = p.now().Add(hold), holdSpan{}
	}
	until := p.holdUntil
	p.open = false
	if s.isProbe && !s.settled {
		p.endProbe()
	}
	s.settled = true
	p.mu.Unlock()
	if held {
		p.slots.hold(ctx, p.now(), until)
	}
}

// abandon settles a pass whose attempt learned nothing (cancelled): another attempt probes.
func (s *pass) abandon() {
	p := s.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if s.isProbe && !s.settled {
		p.endProbe()
	}
	s.settled = true
}

func (p *pacer) endProbe() {
	close(p.probe)
	p.probe = nil
}

// hold is how long the gate stays closed after the n-th refused probe: at first 5 to 10 s of a
// minute's window, doubling, at most the window; half of it fixed, half random. The first hold
// is long enough to step over a short refusing phase (the one seen in the wild lasted 5 s)
// and to let a rolling window's oldest request age out, which takes a twentieth of the window
// on average at 20 requests a window.
func (p *pacer) hold(n int) time.Duration {
	step := p.window / 6 << min(n-1, 30)
	if step > p.window || step <= 0 {
		step = p.window
	}
	return step/2 + rand.N(step/2+1) //nolint:gosec // jitter needs no cryptographic randomness
}

// acquire waits for a slot and returns the function that gives it back once the answer is in:
// in use for a window more, or free at once for a request the limit refused; and the orphaned
// slots it waited for, by id. The slots may be shared with other processes; nothing is locked
// while it waits.
func (p *pacer) acquire(ctx context.Context) (release func(refused bool), orphans map[uint64]bookedSlot, err error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, orphans, err
		}
		p.mu.Lock()
		freed := p.freed
		p.mu.Unlock()
		id, wait, ok := p.slots.take(ctx, p.now())
		if ok {
			var once sync.Once
			return func(refused bool) {
				once.Do(func() { p.settle(ctx, id, refused) })
			}, orphans, nil
		}
		for _, o := range wait.orphans {
			if orphans == nil {
				orphans = map[uint64]bookedSlot{}
			}
			orphans[o.ID] = o
		}
		// Until a slot may be free, or one of this client's is freed at once.
		t := time.NewTimer(wait.next.Sub(p.now()))
		select {
		case <-t.C:
		case <-freed:
		case <-ctx.Done():
		}
		t.Stop()
	}
}

// settle records a request's answer; a refused request's slot is free at once, so the
// client's waiters look again.
func (p *pacer) settle(ctx context.Context, id uint64, refused bool) {
	// Recorded even after Ctrl-C: the request was sent, and other processes count on the window.
	p.slots.settle(context.WithoutCancel(ctx), id, p.now(), refused)
	if refused {
		p.mu.Lock()
		close(p.freed)
		p.freed = make(chan struct{})
		p.mu.Unlock()
	}
}

// hops holds the slot of an attempt's current HTTP request; a redirect gives it back (its
// answer is in) and takes another for the next request.
type hops struct {
	p       *pacer
	release func(refused bool)
}

type hopsKey struct{}

// next moves to the redirect's request.
func (h *hops) next(ctx context.Context) error {
	h.release(false)
	release, _, err := h.p.acquire(ctx)
	if err != nil {
		h.release = func(bool) {}
		return err
	}
	h.release = release
	return nil
}

// rateWindow keeps the slots in use and the gate's hold: memoryWindow for one client,
// fileWindow for every process on the machine that uses the same key and endpoint.
type rateWindow interface {
	// take books a slot for a request sent at now if fewer than the limit are in use, and
	// returns its id; otherwise it says when one may be free next, and which slots in use are
	// orphaned.
	take(ctx context.Context, now time.Time) (id uint64, wait slotWait, ok bool)
	// settle records the answer at now of the request booked as id: its slot stays in use for
	// a window more, or is free at once when the limit refused it.
	settle(ctx context.Context, id uint64, now time.Time, refused bool)
	// hold keeps the gate closed from now until then, unless it is held longer already.
	hold(ctx context.Context, now, until time.Time)
	// held is the gate's hold at now, the zero holdSpan when there is none.
	held(ctx context.Context, now time.Time) holdSpan
}

// slotWait is why take booked no slot: when one may be free next, and the slots in use that
// are orphaned: booked by a process that will never record their answer.
type slotWait struct {
	next    time.Time
	orphans []bookedSlot
}

// holdSpan is a hold of the gate: from when (the zero time when not known) until when.
type holdSpan struct {
	Since, Until time.Time
}

// windowRules are a client's terms for its slots: at most limit in use; a slot is in use from
// its booking until a window after its answer; a booking whose answer never comes (the process
// was killed) ends after window plus lease, the most an attempt lasts.
type windowRules struct {
	limit         int
	window, lease time.Duration
}

// slotBook is what a rateWindow keeps, with times in Unix nanoseconds so that processes can
// compare them.
type slotBook struct {
	Version   int          `json:"version"`
	Slots     []bookedSlot `json:"slots"`
	HoldUntil int64        `json:"hold_until,omitempty"`
	// HeldSince is when the hold began: the first limit answer of those that made it.
	HeldSince int64 `json:"held_since,omitempty"`
}

type bookedSlot struct {
	ID    uint64 `json:"id"`
	Until int64  `json:"until"` // when the slot is free again
	// Pending is set from the booking until its answer is recorded; Booked and PID say when
	// and by which process it was booked, to tell an orphaned slot (orphaned) from one in
	// flight.
	Pending bool  `json:"pending,omitempty"`
	Booked  int64 `json:"booked,omitempty"`
	PID     int   `json:"pid,omitempty"`
}

const slotBookVersion = 1

// tidy forgets the slots and the hold that are over, and brings anything further off than the
// rules allow (a clock set back, another process's clock ahead, a garbled file) back within
// them: a slot to the furthest a booking lasts, a hold to a window from now, the longest hold
// a pacer makes itself (a longer Retry-After holds the process it was sent to; the others
// meet the limit themselves, a window on). It reports whether it changed anything: a book
// cut back must be written back, or the next look would cut it afresh from a later now, and
// a time too far off would move on with the clock.
func (b *slotBook) tidy(now time.Time, r windowRules) (changed bool) {
	latest := now.Add(r.window + r.lease).UnixNano()
	kept := b.Slots[:0]
	for _, s := range b.Slots {
		if s.Until > now.UnixNano() {
			changed = changed || s.Until > latest
			s.Until = min(s.Until, latest)
			kept = append(kept, s)
		}
	}
	changed = changed || len(kept) != len(b.Slots)
	b.Slots = kept
	before := *b
	b.HoldUntil = min(b.HoldUntil, now.Add(r.window).UnixNano())
	if b.HoldUntil <= now.UnixNano() {
		b.HoldUntil, b.HeldSince = 0, 0
	}
	if b.HeldSince > now.UnixNano() || b.HeldSince < 0 {
		b.HeldSince = 0 // not known
	}
	return changed || b.HoldUntil != before.HoldUntil || b.HeldSince != before.HeldSince
}

// take books a slot when fewer than r.limit are in use. Otherwise the next moment worth looking
// again is when the first booked slot ends, or a window from now: a slot whose answer is still
// to come is in use for a window after it.
func (b *slotBook) take(now time.Time, r windowRules) (slot bookedSlot, next time.Time, ok bool) {
	b.tidy(now, r)
	if len(b.Slots) < r.limit {
		slot = bookedSlot{
			ID: rand.Uint64() | 1, Until: now.Add(r.window + r.lease).UnixNano(), //nolint:gosec // an id, not a secret
			Pending: true, Booked: now.UnixNano(), PID: os.Getpid(),
		}
		b.Slots = append(b.Slots, slot)
		return slot, now, true
	}
	first := now.Add(r.window).UnixNano()
	for _, s := range b.Slots {
		first = min(first, s.Until)
	}
	return bookedSlot{}, time.Unix(0, first), false
}

// settle records the answer to the request booked as id.
func (b *slotBook) settle(id uint64, now time.Time, r windowRules, refused bool) {
	b.tidy(now, r)
	i := slices.IndexFunc(b.Slots, func(s bookedSlot) bool { return s.ID == id })
	switch {
	case refused && i >= 0:
		b.Slots = slices.Delete(b.Slots, i, i+1)
	case refused:
	case i >= 0:
		b.Slots[i].Until, b.Slots[i].Pending = b.reopening(now, r), false
	default:
		// The booking was lost (its lease ran out, or a garbled file was started afresh), but
		// the server counted the request.
		b.Slots = append(b.Slots, bookedSlot{ID: id, Until: b.reopening(now, r)})
	}
}

// orphans are the slots in use whose answers will never be recorded: booked by a process that
// no longer runs, or longer ago than an attempt may last. The API counted their requests, so
// they stay in use until a window after the longest such a request may have been answered;
// a read that waits for them waits for a process that died, not for its own reads.
func (b *slotBook) orphans(now time.Time, r windowRules) []bookedSlot {
	var orphans []bookedSlot
	for _, s := range b.Slots {
		if s.Pending && (now.UnixNano()-s.Booked > r.lease.Nanoseconds() || processGone(s.PID)) {
			orphans = append(orphans, s)
		}
	}
	return orphans
}

// reopening is when the slot of a request answered at now is free again: a window after the
// answer, or after the gate's hold when the answer came before the hold ended.
func (b *slotBook) reopening(now time.Time, r windowRules) int64 {
	return max(now.UnixNano(), b.HoldUntil) + r.window.Nanoseconds()
}

// hold closes the gate from now until then, and moves every slot in use to reopen no sooner
// than a window after the hold. Slots used just before a limit answer would otherwise reopen in the
// same phase of the next window, and send the requests that take them into the server's
// refusing phase again; after the hold, every slot is in the phase where the server took the
// probe.
func (b *slotBook) hold(now, until time.Time, r windowRules) {
	b.tidy(now, r)
	if b.HoldUntil == 0 {
		b.HeldSince = now.UnixNano()
	}
	b.HoldUntil = max(b.HoldUntil, min(until.UnixNano(), now.Add(r.window).UnixNano()))
	reopen := b.HoldUntil + r.window.Nanoseconds()
	for i := range b.Slots {
		b.Slots[i].Until = max(b.Slots[i].Until, reopen)
	}
}

// held is the hold at now.
func (b *slotBook) held(now time.Time, r windowRules) holdSpan {
	b.tidy(now, r)
	if b.HoldUntil == 0 {
		return holdSpan{}
	}
	span := holdSpan{Until: time.Unix(0, b.HoldUntil)}
	if b.HeldSince != 0 {
		span.Since = time.Unix(0, b.HeldSince)
	}
	return span
}

// memoryWindow is the window of one client: the default.
type memoryWindow struct {
	rules windowRules
	mu    sync.Mutex
	book  slotBook
}

func newMemoryWindow(r windowRules) *memoryWindow { return &memoryWindow{rules: r} }

func (w *memoryWindow) take(_ context.Context, now time.Time) (uint64, slotWait, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	slot, next, ok := w.book.take(now, w.rules)
	return slot.ID, slotWait{next: next}, ok
}

func (w *memoryWindow) settle(_ context.Context, id uint64, now time.Time, refused bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.book.settle(id, now, w.rules, refused)
}

func (w *memoryWindow) hold(_ context.Context, now, until time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.book.hold(now, until, w.rules)
}

func (w *memoryWindow) held(_ context.Context, now time.Time) holdSpan {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.book.held(now, w.rules)
}
