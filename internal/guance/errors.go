package guance

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Error codes the API documents.
const (
	errorCodeKeyRateLimit       = "ft.TriggerApiAkCurrentLimiting"
	errorCodeWorkspaceRateLimit = "ft.TriggerApiWorkspaceCurrentLimiting"
	errorCodeInvalidAPIKey      = "ft.InvalidAPIKey" //nolint:gosec // an error code, not a credential
)

// APIError is an answer that says the request failed: an HTTP status other than 200, or
// success false in the envelope.
type APIError struct {
	HTTPStatus int
	Code       int // the envelope's code, 0 when the body was not an envelope
	ErrorCode  string
	Message    string
	TraceID    string
	Endpoint   string // method and the whole URL
	// BasePath is the path the configured base URL put before the API's own, "" when the base
	// URL is a scheme and host only, as it should be.
	BasePath   string
	RetryAfter string // the Retry-After header, as sent
	// Body describes a body that was not a Guance envelope, such as a gateway's HTML page.
	Body string
}

func (e *APIError) Error() string { return e.describe(true) }

// WithoutTraceID describes the answer without its traceId, for faults that Guance support
// cannot help with.
func (e *APIError) WithoutTraceID() string { return e.describe(false) }

func (e *APIError) describe(traceID bool) string {
	if e == nil {
		return noDetails
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s answered HTTP %d", e.Endpoint, e.HTTPStatus)
	if e.Body != "" {
		fmt.Fprintf(&b, " with %s instead of a Guance answer", e.Body)
	}
	if e.Code != 0 && e.Code != e.HTTPStatus {
		fmt.Fprintf(&b, " (envelope code %d)", e.Code)
	}
	if e.HTTPStatus == http.StatusOK {
		// Only the envelope's success flag made this a failure; say so even when it gives no reason.
		b.WriteString(" with success not true")
	}
	if e.ErrorCode != "" {
		fmt.Fprintf(&b, ", errorCode %s", e.ErrorCode)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ", message %q", e.Message)
	}
	if traceID && e.TraceID != "" {
		fmt.Fprintf(&b, ", traceId %s", e.TraceID)
	}
	return b.String()
}

// IsRateLimit reports whether the API refused the request for its rate limit. Guance answers
// its limits with HTTP 401; gateways may use 429.
func (e *APIError) IsRateLimit() bool {
	return e.HTTPStatus == 429 || e.ErrorCode == errorCodeKeyRateLimit || e.ErrorCode == errorCodeWorkspaceRateLimit
}

// IsNotFound reports an answer that the URL has nothing: the base URL is not the API's.
func (e *APIError) IsNotFound() bool { return e.HTTPStatus == http.StatusNotFound }

// IsBadRequest reports an answer that the request's parameters are wrong: HTTP 400 or 422,
// or an errorCode that names a parameter, such as ft.ParamError.
func (e *APIError) IsBadRequest() bool {
	return !e.IsRateLimit() && !e.IsInvalidKey() && (e.HTTPStatus == http.StatusBadRequest ||
		e.HTTPStatus == http.StatusUnprocessableEntity || strings.Contains(strings.ToLower(e.ErrorCode), "param"))
}

// IsInvalidKey reports whether the API rejected the access token.
func (e *APIError) IsInvalidKey() bool { return e.ErrorCode == errorCodeInvalidAPIKey }

// Retryable reports whether asking again may succeed: rate limits and server-side failures.
func (e *APIError) Retryable() bool { return e.IsRateLimit() || e.HTTPStatus >= 500 }

// AsAPIError unwraps err to an *APIError.
func AsAPIError(err error) (*APIError, bool) {
	var e *APIError
	ok := errors.As(err, &e)
	return e, ok && e != nil
}

// DecodeError is an answer that could not be taken as it came: malformed JSON, an unexpected
// shape, or a value that is not what its field must hold. Nothing of such an answer is used.
type DecodeError struct {
	Endpoint string
	TraceID  string
	Reason   string
	// Truncated is set when the body ended early; asking again may succeed.
	Truncated bool
}

func (e *DecodeError) Error() string { return e.describe(true) }

// WithoutTraceID describes the error without its traceId, for a message that gives it apart.
func (e *DecodeError) WithoutTraceID() string { return e.describe(false) }

func (e *DecodeError) describe(traceID bool) string {
	if e == nil {
		return noDetails
	}
	msg := fmt.Sprintf("%s: the answer could not be used: %s", e.Endpoint, e.Reason)
	if traceID && e.TraceID != "" {
		msg += " (traceId " + e.TraceID + ")"
	}
	return msg
}

// AttemptsError says the client gave up after retrying.
type AttemptsError struct {
	Attempts int
	Last     error
	Reason   string // why it stopped: attempts used up, or waiting would exceed the total wait
}

func (e *AttemptsError) Error() string {
	if e == nil {
		return noDetails
	}
	last := "none"
	if e.Last != nil {
		last = e.Last.Error()
	}
	return fmt.Sprintf("gave up after %s (%s); last error: %s", Count(e.Attempts, "attempt"), e.Reason, last)
}

// HeldByOtherProcessError says a read gave up before sending anything: another process on
// this machine sharing the key's pacing met the API's rate limit, and the hold it wrote for
// every process on the key ends later than this read may wait (max_retry_wait).
type HeldByOtherProcessError struct {
	Endpoint     string
	Since        time.Time     // when the hold began; the zero time when the book does not say
	Until        time.Time     // when it ends
	Left         time.Duration // how long it had to run when the read gave up
	MaxRetryWait time.Duration
}

func (e *HeldByOtherProcessError) Error() string {
	if e == nil {
		return noDetails
	}
	var b strings.Builder
	if e.Endpoint != "" {
		b.WriteString(e.Endpoint + ": ")
	}
	b.WriteString("another process on this machine using the same key and endpoint was refused by the API's rate limit, " +
		"and every process sharing the key's pacing holds its requests")
	if !e.Until.IsZero() {
		fmt.Fprintf(&b, " until %s (%s from now", e.Until.UTC().Format(time.RFC3339), e.Left.Round(time.Second))
		if !e.Since.IsZero() {
			fmt.Fprintf(&b, "; held since %s", e.Since.UTC().Format(time.RFC3339))
		}
		b.WriteString(")")
	}
	fmt.Fprintf(&b, ", longer than this read's max_retry_wait of %s; nothing was sent", e.MaxRetryWait)
	return b.String()
}

// TooSlowError says a read used up MaxReadTime on answers that would not complete: a server
// that trickles, stalls or times out again and again.
type TooSlowError struct {
	Endpoint string
	Attempts int
	Limit    time.Duration // MaxReadTime
	Last     error         // how the last attempt ended
}

func (e *TooSlowError) Error() string {
	if e == nil {
		return noDetails
	}
	return fmt.Sprintf("%s: the API is too slow: %s over %s brought no complete answer (the read's limit); the last one: %s",
		e.Endpoint, e.Limit, Count(e.Attempts, "attempt"), e.LastOutcome())
}

// LastOutcome says how the last attempt ended, without the endpoint that Endpoint names.
func (e *TooSlowError) LastOutcome() string {
	var tr *transportError
	var dec *DecodeError
	switch {
	case e == nil || e.Last == nil:
		return "not known"
	case errors.As(e.Last, &tr) && tr != nil:
		return "no answer: " + tr.text
	case errors.As(e.Last, &dec) && dec != nil:
		return dec.Reason
	}
	return e.Last.Error()
}

func (e *TooSlowError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Last
}

// Count writes n with its noun, singular or plural: 1 attempt, 2 attempts.
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// RedirectProblem says why a redirect was not followed.
type RedirectProblem int

// The redirects the client refuses.
const (
	RedirectElsewhere RedirectProblem = iota // to another scheme or host
	RedirectLoop                             // back to a URL already visited
	RedirectTooMany                          // a chain longer than the client follows
)

// RedirectError is a redirect the client refused to follow. It is not retried: the same
// request would be redirected the same way.
type RedirectError struct {
	Endpoint string
	Target   string // scheme and host for RedirectElsewhere, else the URL, scrubbed
	Problem  RedirectProblem
	Hops     int // redirects followed before this one
}

func (e *RedirectError) Error() string {
	if e == nil {
		return noDetails
	}
	switch e.Problem {
	case RedirectLoop:
		return fmt.Sprintf("%s: the API redirected in a loop: after %s it sent the request back to %s, where it had already been",
			e.Endpoint, Count(e.Hops, "redirect"), e.Target)
	case RedirectTooMany:
		return fmt.Sprintf("%s: the API redirected more than %d times (the last to %s)", e.Endpoint, e.Hops, e.Target)
	}
	return fmt.Sprintf("%s: the API redirected to %s; refusing to follow it so that the access token is not sent to another host",
		e.Endpoint, e.Target)
}

func (e *AttemptsError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Last
}

// noDetails is the text of an error value that is nil: never made by the client, but an
// error's text must not panic whatever it holds.
const noDetails = "an error without details"
