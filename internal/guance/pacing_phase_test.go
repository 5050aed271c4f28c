//go:build !race

package guance

// Built without -race: the race detector slows every goroutine several times over, and
// unevenly, which here is seconds of the API's scaled minute, so the test would measure the
// detector rather than the pacer. `make unit` runs this file in a pass of its own.

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// The phase test runs in scaled time: phaseWindow stands for the API's minute, so 10ms here
// are one second there.
const (
	phaseWindow   = 600 * time.Millisecond
	phaseRefusal  = phaseWindow / 12 // the first 5 s of each minute
	phasePeriods  = 30
	phaseReaders  = 10 // Terraform's parallelism
	phaseLimit    = 20
	phaseStarts   = 20 // starting phases, every 3 s of the minute
	phaseMaxRatio = 2.0
)

type phaseRun struct {
	elapsed           time.Duration
	requests, refused int
}

// readPeriodsFrom reads phasePeriods one-day periods, phaseReaders at a time, with a client
// paced at the API's limit against a simulator that enforces that limit over a rolling window
// and, when refusal is set, refuses the first part of every fixed window; the simulator's
// clock starts at phase of its window. Every read must give the exact bill.
func readPeriodsFrom(t *testing.T, phase, refusal time.Duration) phaseRun {
	epoch := time.Unix(0, 0).Add(1000*phaseWindow + phase)
	start := time.Now()
	sim := guancesim.NewServer(guancesim.Options{
		RateLimit: phaseLimit, RateWindow: phaseWindow, FixedWindowRefusal: refusal,
		Now: func() time.Time { return epoch.Add(time.Since(start)) },
	})
	t.Cleanup(sim.Close)
	c, err := New(Config{
		BaseURL: sim.URL(), Token: guancesim.DefaultToken, RateLimit: phaseLimit, RateWindow: phaseWindow,
		// The defaults, scaled: 1s and 30s of backoff, 3m of total retry wait.
		BaseDelay: phaseWindow / 60, MaxDelay: phaseWindow / 2, MaxRetryWait: 3 * phaseWindow,
	})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range phaseReaders {
		wg.Go(func() {
			for i := range next {
				day := Date{2024, time.March, 1}.AddDays(i)
				p := Period{Start: day, End: day}
				d, err := c.BillingDetails(context.Background(), p)
				if err != nil {
					t.Errorf("read %d failed: %v", i+1, err)
					continue
				}
				if problem := sameBill(d, guancesim.Records(guancesim.Options{}, day.Time(), day.Time())); problem != "" {
					t.Errorf("read %d: %s", i+1, problem)
				}
			}
		})
	}
	for i := range phasePeriods {
		next <- i
	}
	close(next)
	wg.Wait()
	return phaseRun{elapsed: time.Since(start), requests: sim.Requests(), refused: sim.RateLimited()}
}

// A server that refuses the first 5 s of every minute cannot lock the pacer onto its window:
// from whatever phase of the minute a plan starts, 30 periods read exactly, no read fails,
// the refused requests are fewer than one batch of Terraform's parallel reads, and the plan
// takes at most twice as long as ideal pacing (measured alike, against a server without the
// fixed window). Run it with -v for the figures.
func TestPacingFromEveryPhaseOfAFixedWindowReadsEverythingSoon(t *testing.T) {
	t.Parallel()
	runs := make([]phaseRun, phaseStarts)
	var ideal phaseRun
	t.Run("phases", func(t *testing.T) {
		t.Run("ideal", func(t *testing.T) {
			t.Parallel()
			ideal = readPeriodsFrom(t, 0, 0)
		})
		for i := range phaseStarts {
			phase := phaseWindow * time.Duration(i) / phaseStarts
			t.Run(fmt.Sprintf("from_%02ds", 60*i/phaseStarts), func(t *testing.T) {
				t.Parallel()
				runs[i] = readPeriodsFrom(t, phase, phaseRefusal)
				if runs[i].refused > phaseReaders {
					t.Errorf("%d requests refused, more than one batch of %d parallel reads", runs[i].refused, phaseReaders)
				}
			})
		}
	})
	worst := 0
	for i, r := range runs {
		if r.elapsed > runs[worst].elapsed {
			worst = i
		}
		if ratio := float64(r.elapsed) / float64(ideal.elapsed); ratio > phaseMaxRatio {
			t.Errorf("from :%02d the plan took %.2f minutes (scaled), %.2f times ideal pacing's %.2f",
				60*i/phaseStarts, minutes(r.elapsed), ratio, minutes(ideal.elapsed))
		}
	}
	w := runs[worst]
	t.Logf("ideal pacing: %.2f scaled minutes, %d requests; worst start :%02d: %.2f scaled minutes (%.2f× ideal), %d of %d requests refused (%.0f%%)",
		minutes(ideal.elapsed), ideal.requests, 60*worst/phaseStarts, minutes(w.elapsed), float64(w.elapsed)/float64(ideal.elapsed),
		w.refused, w.requests, 100*float64(w.refused)/float64(w.requests))
}

// minutes is a duration of the phase test in the API's minutes.
func minutes(d time.Duration) float64 { return float64(d) / float64(phaseWindow) }
