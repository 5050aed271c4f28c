package guance

import (
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

func (c *sharedReads[K, V]) do(key K, fetch func() (V, error)) (V, error) {
	c.mu.Lock()
	if v, ok := c.done[key]; ok {
		c.mu.Unlock()
		return v, nil
	}
	c.mu.Unlock()
	shared, err, _ := c.flight.Do(fmt.Sprint(key), func() (any, error) {
		v, err := fetch()
		if err == nil {
			c.mu.Lock()
			c.done[key] = v
			c.mu.Unlock()
		}
		return v, err
	})
	if err != nil {
		var zero V
		return zero, err
	}
	v, _ := shared.(V)
	return v, nil
}
