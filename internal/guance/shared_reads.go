package guance

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sync/singleflight"
)

// sharedReads makes identical reads in one Terraform run share one request: concurrent reads
// of a key wait for the one in flight, later ones get its result. Failures are not kept,
// so a later read asks again. Keys must print (fmt.Sprint) distinctly.
type sharedReads[K comparable, V any] struct {
	mu     sync.Mutex
	done   map[K]V
	flight singleflight.Group
}

func newSharedReads[K comparable, V any]() *sharedReads[K, V] {
	return &sharedReads[K, V]{done: map[K]V{}}
}

// periodCache shares the reads of billing details, per period.
type periodCache = sharedReads[Period, *BillingDetails]

func newPeriodCache() *periodCache { return newSharedReads[Period, *BillingDetails]() }

// read returns the value of key, fetching it with ctx unless a read of it is in flight or done.
// A caller stops waiting as soon as its own ctx is done; when the read it waited on was
// cancelled by the caller that started it, it asks again with its own ctx.
func (c *sharedReads[K, V]) read(ctx context.Context, key K, fetch func(context.Context) (V, error)) (V, error) {
	var zero V
	for {
		c.mu.Lock()
		v, ok := c.done[key]
		c.mu.Unlock()
		if ok {
			return v, nil
		}
		shared := c.flight.DoChan(fmt.Sprint(key), func() (any, error) {
			v, err := fetch(ctx)
			if err == nil {
				c.mu.Lock()
				c.done[key] = v
				c.mu.Unlock()
			}
			return v, err
		})
		select {
		case <-ctx.Done():
			return zero, ctx.Err()
		case r := <-shared:
			if r.Err != nil && errors.Is(r.Err, context.Canceled) && ctx.Err() == nil {
				continue
			}
			if r.Err != nil {
				return zero, r.Err
			}
			v, _ := r.Val.(V)
			return v, nil
		}
	}
}
