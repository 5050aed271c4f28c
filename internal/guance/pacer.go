package guance

import (
	"context"
	"sync"
	"time"
)

// pacer keeps the client under the API's per-key limit of limit requests in any window. It
// holds limit slots; a request takes a free slot and, when its answer is in, the slot stays
// closed for a whole window. A slot is released after the answer, not after sending, so
// however the server counts (rolling or fixed windows, arrival or completion time) it never
// sees more than limit requests in one window.
type pacer struct {
	window time.Duration
	slots  chan time.Time // each value: when that slot may be used again
	now    func() time.Time
}

func newPacer(limit int, window time.Duration) *pacer {
	p := &pacer{window: window, slots: make(chan time.Time, limit), now: time.Now}
	for range limit {
		p.slots <- time.Time{}
	}
	return p
}

// acquire waits for a slot and returns the function that gives it back once the answer is in.
func (p *pacer) acquire(ctx context.Context) (release func(), err error) {
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
	return func() { once.Do(func() { p.slots <- p.now().Add(p.window) }) }, nil
}
