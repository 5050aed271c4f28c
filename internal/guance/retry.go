package guance

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// retrier decides, after a failed attempt, whether and how long to wait before the next one.
type retrier struct {
	cfg      *Config
	logger   Logger
	attempts int
	waited   time.Duration         // between attempts and at the pacer's gate
	paced    time.Duration         // for a rate slot
	orphans  map[uint64]bookedSlot // orphaned slots it waited for, by id
	spent    time.Duration         // in attempts: sending and receiving
	capture  *bodyCapture          // keeps the answer's raw body for the shared read cache
}

// tooSlow is the error for a read that used up MaxReadTime; last is how the attempt ended.
func (r *retrier) tooSlow(endpoint string, last error) error {
	return &TooSlowError{Endpoint: endpoint, Attempts: r.attempts + 1, Limit: r.cfg.MaxReadTime, Last: last}
}

// outwaited is the error for a read that the pacer's gate would hold past MaxRetryWait, after
// the API's limit answer last.
func (r *retrier) outwaited(last error) error {
	return &AttemptsError{Attempts: r.attempts, Last: last, Reason: fmt.Sprintf(
		"waiting for the API's rate limit to lift would pass the total retry wait of %s, max_retry_wait", r.cfg.MaxRetryWait)}
}

// wait returns nil after sleeping when another attempt is worthwhile, or the error to give up
// with.
func (r *retrier) wait(ctx context.Context, endpoint string, err error) error {
	r.attempts++
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if !retryable(err) {
		return err
	}
	if r.attempts >= r.cfg.MaxAttempts {
		return &AttemptsError{Attempts: r.attempts, Last: err, Reason: "the most max_attempts allows"}
	}
	var trErr *transportError
	if errors.As(err, &trErr) && trErr.attempts > 0 && r.attempts >= trErr.attempts {
		return &AttemptsError{Attempts: r.attempts, Last: err, Reason: trErr.cause.String() + " is asked again only once"}
	}
	delay := r.backoff()
	if after, ok := retryAfter(err); ok && after > delay {
		delay = after
	}
	if r.waited+delay > r.cfg.MaxRetryWait {
		return &AttemptsError{Attempts: r.attempts, Last: err, Reason: fmt.Sprintf(
			"waiting %s more would pass the total retry wait of %s, max_retry_wait", delay.Round(time.Millisecond), r.cfg.MaxRetryWait)}
	}
	r.logger.Debug(ctx, "Guance API attempt failed, retrying", map[string]any{
		"endpoint": endpoint, "attempt": r.attempts, "delay_ms": delay.Milliseconds(), "error": err.Error(),
	})
	r.waited += delay
	return sleep(ctx, delay)
}

// backoff is exponential with equal jitter: half the step fixed, half random, so that
// parallel readers do not come back in lockstep.
func (r *retrier) backoff() time.Duration {
	step := r.cfg.BaseDelay << min(r.attempts-1, 30)
	if step > r.cfg.MaxDelay || step <= 0 {
		step = r.cfg.MaxDelay
	}
	half := step / 2
	return half + rand.N(half+1) //nolint:gosec // jitter needs no cryptographic randomness
}

func retryable(err error) bool {
	var apiErr *APIError
	var decErr *DecodeError
	var trErr *transportError
	var tooSlow *TooSlowError
	var gaveUp *AttemptsError
	switch {
	case errors.As(err, &tooSlow), errors.As(err, &gaveUp):
		return false // a decision already taken, whatever it wraps
	case errors.As(err, &apiErr):
		return apiErr.Retryable()
	case errors.As(err, &decErr):
		return decErr.Truncated
	case errors.As(err, &trErr):
		return trErr.attempts != 1
	}
	return false
}

// retryAfter reads the Retry-After header of an API error, in seconds or as an HTTP date.
func retryAfter(err error) (time.Duration, bool) {
	apiErr, ok := AsAPIError(err)
	if !ok || apiErr.RetryAfter == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(apiErr.RetryAfter); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(apiErr.RetryAfter); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// sleep waits for d or until ctx is done, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
