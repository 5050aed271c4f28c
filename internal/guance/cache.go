package guance

import (
	"sync"

	"golang.org/x/sync/singleflight"
)

// periodCache makes identical reads in one Terraform run share one request: concurrent reads
// of a period wait for the one in flight, later ones get its result. Failures are not kept,
// so a later read asks again.
type periodCache struct {
	mu     sync.Mutex
	done   map[Period]*BillingDetails
	flight singleflight.Group
}

func newPeriodCache() *periodCache {
	return &periodCache{done: map[Period]*BillingDetails{}}
}

func (c *periodCache) do(p Period, fetch func() (*BillingDetails, error)) (*BillingDetails, error) {
	c.mu.Lock()
	if d, ok := c.done[p]; ok {
		c.mu.Unlock()
		return d, nil
	}
	c.mu.Unlock()
	v, err, _ := c.flight.Do(p.Start.Compact()+"-"+p.End.Compact(), func() (any, error) {
		d, err := fetch()
		if err == nil {
			c.mu.Lock()
			c.done[p] = d
			c.mu.Unlock()
		}
		return d, err
	})
	if err != nil {
		return nil, err
	}
	d, _ := v.(*BillingDetails)
	return d, nil
}
