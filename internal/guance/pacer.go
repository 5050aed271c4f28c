package guance

import (
	"context"
	"errors"
	"math/rand/v2"
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
type pacer struct {
	window time.Duration
	slots  chan time.Time // each value: when that slot may be used again
	now    func() time.Time

	mu        sync.Mutex
	open      bool          // false until a probe succeeds, and after a limit answer
	probe     chan struct{} // closed when the probe in flight settles; nil when none is
	holdUntil time.Time
	refused   int   // refused probes since the gate was last open
	lastLimit error // the last limit answer, for a read that gives up waiting
}

func newPacer(limit int, window time.Duration) *pacer {
	p := &pacer{window: window, slots: make(chan time.Time, limit), now: time.Now}
	for range limit {
		p.slots <- time.Time{}
	}
	return p
}

// errGateBudget means the gate would hold a read past the wait it has left.
var errGateBudget = errors.New("the gate would hold the read past its total retry wait")

// pass is one attempt's way through the gate.
type pass struct {
	p       *pacer
	isProbe bool
	settled bool
}

// enter waits until the gate lets an attempt through: past any hold, and after the probe in
// flight, if any, has opened the gate; or it makes the attempt the probe. It gives up with
// errGateBudget rather than hold longer than budget in all, and reports how long it held.
func (p *pacer) enter(ctx context.Context, budget time.Duration) (*pass, time.Duration, error) {
	start := p.now()
	for {
		p.mu.Lock()
		wait, probe := p.holdUntil.Sub(p.now()), p.probe
		switch {
		case wait > 0:
			p.mu.Unlock()
			if p.now().Sub(start)+wait > budget {
				return nil, p.now().Sub(start), errGateBudget
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

// limited settles the pass with a limit answer: the gate closes and holds; a refused probe
// makes the hold longer. retryAfter is the answer's Retry-After, 0 when it had none.
func (s *pass) limited(err error, retryAfter time.Duration) {
	p := s.p
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lastLimit = err
	if s.isProbe || p.open {
		p.refused++
		hold := max(p.hold(p.refused), retryAfter)
		p.holdUntil = p.now().Add(hold)
	}
	p.open = false
	if s.isProbe && !s.settled {
		p.endProbe()
	}
	s.settled = true
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
// free again a window later, or at once for a request the limit refused.
func (p *pacer) acquire(ctx context.Context) (release func(refused bool), err error) {
	var reopens time.Time
	select {
	case reopens = <-p.slots:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if wait := reopens.Sub(p.now()); wait > 0 {
		if err := sleep(ctx, wait); err != nil {
			p.slots <- reopens
			return nil, err
		}
	}
	var once sync.Once
	return func(refused bool) {
		once.Do(func() {
			if refused {
				p.slots <- p.now()
				return
			}
			p.slots <- p.now().Add(p.window)
		})
	}, nil
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
	release, err := h.p.acquire(ctx)
	if err != nil {
		h.release = func(bool) {}
		return err
	}
	h.release = release
	return nil
}
