// Package guance is a client for the billing part of the Guance Cloud OpenAPI. It knows the
// API's quirks (the string "None" for absent values, rate limits answered with HTTP 401,
// tag6 versus billingKey) and nothing of Terraform.
package guance

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"
)

// TokenHeader carries the API Key secret on every request.
const TokenHeader = "DF-API-KEY" //nolint:gosec // a header name, not a credential

// Defaults for Config; each can be overridden.
const (
	DefaultMaxAttempts    = 8
	DefaultMaxRetryWait   = 3 * time.Minute
	DefaultRequestTimeout = 2 * time.Minute
	DefaultMaxReadTime    = 3 * time.Minute
	DefaultIdleTimeout    = 30 * time.Second
	// DefaultHeaderTimeout is how long a request waits for the answer's headers. A server that
	// accepts the connection and says nothing that long is not an API answering slowly but the
	// wrong host or port (the official Guance provider gives a whole request 30 s); asking it
	// again would hold the plan for minutes.
	DefaultHeaderTimeout = 30 * time.Second
	DefaultRateLimit     = 20 // requests per RateWindow, the API's per-key limit
	DefaultRateWindow    = time.Minute
	// DefaultMaxBodyBytes is about 215,000 records (100,000 records are 59 MiB). It also bounds
	// memory: reading a body of blank padding up to the cap allocates about four times the cap
	// (BenchmarkHugeAnswerRefusedAtTheDefaultCap).
	DefaultMaxBodyBytes = 128 << 20
	defaultBaseDelay    = time.Second
	defaultMaxDelay     = 30 * time.Second
)

// Logger receives what the client does, with the token already left out. The provider
// passes tflog through it.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Trace(ctx context.Context, msg string, fields map[string]any)
}

// Config configures a Client. Zero values take the defaults above.
type Config struct {
	BaseURL   string // checked with CheckEndpoint
	Token     string
	UserAgent string
	// RecordedBill is a file holding a recorded billing answer (recorded.go). When it is set,
	// every read is served from it and its balance sibling: nothing is sent, and BaseURL and
	// Token are not needed.
	RecordedBill string

	MaxAttempts    int           // attempts per read, first one included
	MaxRetryWait   time.Duration // total time a read may spend waiting between attempts
	RequestTimeout time.Duration // per attempt, body included
	// MaxReadTime bounds the time one read spends sending requests and receiving answers, over
	// all its attempts; waits for a rate slot and between attempts do not count.
	MaxReadTime time.Duration
	IdleTimeout time.Duration // an answer whose body makes no progress this long is cut off
	// HeaderTimeout bounds the wait for an answer's headers; a server silent that long fails
	// the read at once, as the wrong endpoint.
	HeaderTimeout time.Duration
	RateLimit     int // requests the client sends per RateWindow at most
	RateWindow    time.Duration
	MaxBodyBytes  int64

	// SharedPacing shares the rate window with the other processes of this machine that use
	// the same token and endpoint, through a file in SharedPacingDir (by default a folder of
	// the user's cache directory). When the file cannot be used, the client paces itself alone.
	SharedPacing    bool
	SharedPacingDir string

	// SharedReadTTL shares each successful answer of the billing and balance endpoints with the
	// other processes of this machine that use the same token and endpoint, for this long,
	// through files in SharedReadDir (by default a folder of the user's cache directory); and
	// identical reads in flight in another process are waited for instead of sent again. 0
	// turns it off. SharedReadCap bounds the directory (DefaultSharedReadCap when 0).
	SharedReadTTL time.Duration
	SharedReadDir string
	SharedReadCap int64

	// BaseDelay and MaxDelay shape the exponential backoff; tests shorten them.
	BaseDelay, MaxDelay time.Duration

	Transport http.RoundTripper // nil → a TLS-verifying transport
	Logger    Logger
}

// Client reads the Guance OpenAPI. It is safe for concurrent use; identical reads share one
// request and one result for the client's lifetime.
type Client struct {
	cfg   Config
	base  *url.URL
	http  *http.Client
	pacer *pacer
	reads *sharedReadCache // nil when the processes do not share reads
	cache *periodCache
	scrub *scrubber
	// balance shares the balance read: one per client, that is one per Terraform run.
	balance *sharedReads[string, *Balance]
	// recording holds the decoded recorded bill, when there is one.
	recording *sharedReads[string, *BillingDetails]
	sent      atomic.Int64 // requests sent, for telling a user who waits on the pacing why
}

// New checks cfg and builds a client.
func New(cfg Config) (*Client, error) {
	if cfg.RecordedBill != "" {
		return newRecorded(cfg), nil
	}
	if cfg.Token == "" {
		return nil, errors.New("no access token")
	}
	base, err := CheckEndpoint(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	baseURL, _ := url.Parse(base)
	setDefault(&cfg.MaxAttempts, DefaultMaxAttempts)
	setDefault(&cfg.MaxRetryWait, DefaultMaxRetryWait)
	setDefault(&cfg.RequestTimeout, DefaultRequestTimeout)
	setDefault(&cfg.MaxReadTime, DefaultMaxReadTime)
	setDefault(&cfg.IdleTimeout, DefaultIdleTimeout)
	setDefault(&cfg.HeaderTimeout, DefaultHeaderTimeout)
	setDefault(&cfg.RateLimit, DefaultRateLimit)
	setDefault(&cfg.RateWindow, DefaultRateWindow)
	setDefault(&cfg.MaxBodyBytes, DefaultMaxBodyBytes)
	setDefault(&cfg.BaseDelay, defaultBaseDelay)
	setDefault(&cfg.MaxDelay, defaultMaxDelay)
	setDefault(&cfg.SharedReadCap, DefaultSharedReadCap)
	if cfg.Transport == nil {
		cfg.Transport = defaultTransport()
	}
	if cfg.Logger == nil {
		cfg.Logger = nopLogger{}
	}
	c := &Client{
		cfg:   cfg,
		base:  baseURL,
		pacer: newPacer(newRateWindow(&cfg, base), cfg.RateWindow),
		reads: newSharedReadCache(&cfg, base),
		cache: newPeriodCache(),
		scrub: newScrubber(cfg.Token),
	}
	c.http = &http.Client{Transport: cfg.Transport, CheckRedirect: c.checkRedirect}
	c.balance = newSharedReads[string, *Balance]()
	return c, nil
}

// newRecorded is a client that reads a recorded bill and sends nothing.
func newRecorded(cfg Config) *Client {
	setDefault(&cfg.MaxBodyBytes, DefaultMaxBodyBytes)
	cfg.Token = "" // never sent anywhere, so nothing to scrub or share pacing with
	return &Client{
		cfg:       cfg,
		cache:     newPeriodCache(),
		scrub:     newScrubber(""),
		balance:   newSharedReads[string, *Balance](),
		recording: newSharedReads[string, *BillingDetails](),
	}
}

// newRateWindow is the client's own window, or the one it shares with other processes.
func newRateWindow(cfg *Config, endpoint string) rateWindow {
	rules := windowRules{limit: cfg.RateLimit, window: cfg.RateWindow, lease: cfg.RequestTimeout}
	if !cfg.SharedPacing {
		return newMemoryWindow(rules)
	}
	dir, err := cfg.SharedPacingDir, error(nil)
	if dir == "" {
		dir, err = defaultPacingDir()
	}
	return newFileWindow(dir, err, endpoint, cfg.Token, rules, cfg.Logger)
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// defaultTransport verifies TLS certificates always; there is deliberately no switch to turn
// that off.
func defaultTransport() http.RoundTripper {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          10,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
	}
}

// maxRedirects is how many redirects one attempt follows.
const maxRedirects = 5

// checkRedirect follows a redirect only to the same scheme and host: Go forwards custom
// headers such as DF-API-KEY on redirects, so another host would receive the token. A loop,
// or a chain longer than maxRedirects, is refused too: it would end the same way every time.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	target := c.scrub.String(req.URL.Redacted())
	if req.URL.Scheme != c.base.Scheme || !strings.EqualFold(req.URL.Host, c.base.Host) {
		return &RedirectError{Target: c.scrub.String(req.URL.Scheme + "://" + req.URL.Host), Problem: RedirectElsewhere}
	}
	for _, earlier := range via {
		if earlier.URL.String() == req.URL.String() {
			return &RedirectError{Target: target, Problem: RedirectLoop, Hops: len(via)}
		}
	}
	if len(via) >= maxRedirects {
		return &RedirectError{Target: target, Problem: RedirectTooMany, Hops: len(via)}
	}
	// The redirect's request is a request like any other to the API's limit.
	if slot, ok := req.Context().Value(hopsKey{}).(*hops); ok {
		return slot.next(req.Context())
	}
	return nil
}

// newContentDecoder makes a content decoder for one attempt; bodySize is the answer's
// Content-Length, -1 when unknown, for sizing what the decoder builds.
type newContentDecoder func(bodySize int64) contentDecoder

// answered is what a read learned besides its content: the answer's traceId and the client's
// pacing as the read saw it.
type answered struct {
	traceID string
	pacing  Pacing
}

// get sends a GET with retries and pacing and streams the answer through the decoder that
// newContent makes afresh for each attempt.
func (c *Client) get(ctx context.Context, path string, query url.Values, newContent newContentDecoder) (answered, error) {
	u := *c.base
	u.Path = strings.TrimRight(u.Path, "/") + path
	u.RawQuery = query.Encode()
	// The whole URL, so that a wrong endpoint shows in every message; the token is a header.
	endpoint := "GET " + c.scrub.String(u.Redacted())
	if c.reads != nil {
		return c.readShared(ctx, endpoint, path, u.String(), u.RawQuery, newContent)
	}
	return c.fetch(ctx, endpoint, u.String(), newContent, nil)
}

// fetch reads from the network, with retries and pacing; capture, when not nil, keeps the raw
// body of the answer that ends the read.
func (c *Client) fetch(ctx context.Context, endpoint, rawURL string, newContent newContentDecoder, capture *bodyCapture) (answered, error) {
	r := retrier{cfg: &c.cfg, logger: c.cfg.Logger, capture: capture}
	for {
		traceID, err := c.attempt(ctx, endpoint, rawURL, newContent, &r)
		if err == nil {
			return answered{traceID: traceID, pacing: c.pacing(r.paced, r.orphans)}, nil
		}
		if werr := r.wait(ctx, endpoint, err); werr != nil {
			return answered{}, werr
		}
	}
}

// Pacing is the client's own pacing as one read saw it: how long the read waited for a rate
// slot, how many requests the client had sent by then, and the limit it keeps to.
type Pacing struct {
	Waited   time.Duration
	Requests int
	Limit    int // requests per Window
	Window   time.Duration
	// Orphaned counts the slots the read waited for that another process booked and never
	// recorded an answer for: it was killed (kill -9, a cancelled CI job) mid-request. Such a
	// slot stays in use for a window and the request timeout after its booking, since the API
	// counted the request. OrphanPIDs are the processes that booked them, where known.
	Orphaned   int
	OrphanPIDs []int
}

// Long reports a wait worth logging: more than a sixth of the window, 10 s of a minute.
func (p Pacing) Long() bool { return p.Waited > p.Window/6 }

// TooLong reports a wait worth a warning: more than half the window, 30 s of a minute.
func (p Pacing) TooLong() bool { return p.Waited > p.Window/2 }

func (c *Client) pacing(waited time.Duration, orphans map[uint64]bookedSlot) Pacing {
	p := Pacing{Waited: waited, Requests: int(c.sent.Load()), Limit: c.cfg.RateLimit, Window: c.cfg.RateWindow, Orphaned: len(orphans)}
	for _, o := range orphans {
		if o.PID > 0 && !slices.Contains(p.OrphanPIDs, o.PID) {
			p.OrphanPIDs = append(p.OrphanPIDs, o.PID)
		}
	}
	slices.Sort(p.OrphanPIDs)
	return p
}

// attempt passes the pacer's gate, takes a rate slot and sends one request; then it tells the
// pacer whether the API refused it for its limit.
func (c *Client) attempt(ctx context.Context, endpoint, rawURL string, newContent newContentDecoder, r *retrier) (string, error) {
	pass, held, err := c.pacer.enter(ctx, c.cfg.MaxRetryWait-r.waited)
	r.waited += held
	var outwaited *gateBudgetError
	if errors.As(err, &outwaited) {
		if outwaited.lastLimit == nil || !outwaited.byOther.Until.IsZero() {
			// The hold is another process's: this client met no limit answer of its own.
			return "", &HeldByOtherProcessError{Endpoint: endpoint, Since: outwaited.byOther.Since,
				Until: outwaited.byOther.Until, Left: outwaited.byOther.Until.Sub(c.pacer.now()), MaxRetryWait: c.cfg.MaxRetryWait}
		}
		return "", r.outwaited(outwaited.lastLimit)
	}
	if err != nil {
		return "", err
	}
	queued := time.Now()
	release, orphans, err := c.pacer.acquire(ctx)
	r.paced += time.Since(queued)
	if len(orphans) > 0 && r.orphans == nil {
		r.orphans = map[uint64]bookedSlot{}
	}
	maps.Copy(r.orphans, orphans)
	if err != nil {
		pass.abandon()
		return "", err
	}
	c.sent.Add(1)
	slot := &hops{p: c.pacer, release: release}
	traceID, err := c.send(context.WithValue(ctx, hopsKey{}, slot), endpoint, rawURL, newContent, r, pass)
	apiErr, isAPI := AsAPIError(err)
	switch {
	case isAPI && apiErr.IsRateLimit():
		after, _ := retryAfter(err)
		pass.limited(ctx, err, after)
		slot.release(true)
	case ctx.Err() != nil:
		pass.abandon()
		slot.release(false)
	default:
		pass.answered()
		slot.release(false)
	}
	return traceID, err
}

// errSilent is the cause of an attempt cut off because no answer headers came in HeaderTimeout.
var errSilent = errors.New("no answer headers")

// errReadTime is the cause of an attempt cut off because the read used up MaxReadTime.
var errReadTime = errors.New("the read's time ran out")

// send sends one request and decodes its answer. The attempt is cut off after RequestTimeout,
// or sooner when the read's MaxReadTime runs out, and when its body makes no progress for
// IdleTimeout.
func (c *Client) send(ctx context.Context, endpoint, rawURL string, newContent newContentDecoder, r *retrier, pass *pass) (string, error) {
	limit := c.cfg.RequestTimeout
	timedOut := errors.New("no complete answer within the request timeout of " + c.cfg.RequestTimeout.String())
	if left := c.cfg.MaxReadTime - r.spent; left <= limit {
		limit, timedOut = left, errReadTime
	}
	start := time.Now()
	defer func() { r.spent += time.Since(start) }()
	reqCtx, cancel := context.WithTimeoutCause(ctx, limit, timedOut)
	defer cancel()
	bodyCtx, stall := context.WithCancelCause(reqCtx)
	defer stall(nil)
	// rawURL is the configured endpoint (CheckEndpoint) and the API's own path: gosec's taint
	// analysis follows a test child's endpoint from its environment to here.
	req, err := http.NewRequestWithContext(bodyCtx, http.MethodGet, rawURL, nil) //nolint:gosec // as above
	if err != nil {
		return "", err
	}
	req.Header.Set(TokenHeader, c.cfg.Token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	c.cfg.Logger.Debug(ctx, "Guance API request", map[string]any{"endpoint": endpoint, "query": req.URL.RawQuery})
	c.cfg.Logger.Trace(ctx, "Guance API request headers", map[string]any{"headers": maskedHeaders(req.Header)})
	silent := time.AfterFunc(c.cfg.HeaderTimeout, func() { stall(errSilent) })
	resp, err := c.http.Do(req) //nolint:gosec // as for the request
	silent.Stop()
	if err != nil {
		var redirect *RedirectError
		switch {
		case errors.As(err, &redirect):
			redirect.Endpoint = endpoint
			return "", redirect
		case errors.Is(context.Cause(reqCtx), errReadTime):
			return "", r.tooSlow(endpoint, c.transportError(endpoint, err))
		case errors.Is(context.Cause(bodyCtx), errSilent):
			return "", &transportError{endpoint: endpoint, err: err, cause: NoAnswerSilent, attempts: 1, text: fmt.Sprintf(
				"the server accepted the connection but sent no answer headers within %s", FormatDuration(c.cfg.HeaderTimeout))}
		}
		return "", c.transportError(endpoint, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode == http.StatusOK {
		pass.answered() // not a limit answer: the others need not wait for the body
	}
	if resp.ContentLength > c.cfg.MaxBodyBytes {
		// Refused unread: a body over the cap would be refused anyway, and the decoder sizes
		// its buffers by the announced length.
		return "", c.overCap(endpoint, "", fmt.Sprintf(" (it announces %d bytes)", resp.ContentLength))
	}
	stalled := fmt.Errorf("no data for %s (the answer stalled)", c.cfg.IdleTimeout)
	watchdog := time.AfterFunc(c.cfg.IdleTimeout, func() { stall(stalled) })
	defer watchdog.Stop()
	body := &cappedReader{r: resp.Body, left: c.cfg.MaxBodyBytes, progress: func() { watchdog.Reset(c.cfg.IdleTimeout) }, capture: r.capture}
	if r.capture != nil {
		r.capture.reset()
	}
	env, derr := decodeEnvelope(body, newContent(resp.ContentLength), c.scrub)
	fields := map[string]any{
		"endpoint": endpoint, "status": resp.StatusCode, "trace_id": env.TraceID,
		"error_code": env.ErrorCode, "body_bytes": c.cfg.MaxBodyBytes - body.left,
		"duration_ms": time.Since(start).Milliseconds(),
	}
	c.cfg.Logger.Debug(ctx, "Guance API answer", fields)
	switch cause := context.Cause(bodyCtx); {
	case ctx.Err() != nil: // the caller gave up (Ctrl-C): nothing left to judge
		return env.TraceID, ctx.Err()
	case cause == nil || derr == nil:
	case errors.Is(cause, errReadTime):
		return env.TraceID, r.tooSlow(endpoint, c.decodeError(endpoint, env.TraceID, true, fmt.Sprintf(
			"the answer broke off after %d bytes", c.cfg.MaxBodyBytes-body.left)))
	default:
		body.broken = cause
	}
	return env.TraceID, c.answerError(endpoint, resp, env, derr, body)
}

// decodeCached decodes an answer's body kept by the shared read cache through the same
// decoder and the same checks as an answer from the network; it was a 200 with a JSON body.
func (c *Client) decodeCached(endpoint string, data []byte, newContent newContentDecoder) (string, error) {
	body := &cappedReader{r: bytes.NewReader(data), left: c.cfg.MaxBodyBytes, progress: func() {}}
	env, derr := decodeEnvelope(body, newContent(int64(len(data))), c.scrub)
	resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}}
	return env.TraceID, c.answerError(endpoint, resp, env, derr, body)
}

// answerError is nil for a usable answer, else the error that describes the answer best.
func (c *Client) answerError(endpoint string, resp *http.Response, env envelope, derr error, body *cappedReader) error {
	if body.exceeded {
		return c.overCap(endpoint, env.TraceID, "")
	}
	if body.broken != nil && isCorruptCompression(body.broken) {
		return c.decodeError(endpoint, env.TraceID, false, fmt.Sprintf(
			"the answer's gzip-compressed body is corrupt after %d bytes: %v", c.cfg.MaxBodyBytes-body.left, body.broken))
	}
	if body.broken != nil && resp.StatusCode == http.StatusOK {
		// The connection failed, not the API: a reset or a timeout partway, so ask again.
		return c.decodeError(endpoint, env.TraceID, true, fmt.Sprintf(
			"the answer broke off after %d bytes: %v", c.cfg.MaxBodyBytes-body.left, body.broken))
	}
	if resp.StatusCode == http.StatusOK && derr == nil && env.SuccessNotBoolean != "" {
		// The API's success is a boolean; "true" as text may be a gateway's or a proxy's
		// rewrite, and reading it either way would be a guess about whether the request worked.
		return c.decodeError(endpoint, env.TraceID, false, fmt.Sprintf(
			"success is %s, not a JSON boolean (true or false); whether the request succeeded would be a guess", env.SuccessNotBoolean))
	}
	if resp.StatusCode != http.StatusOK || (derr == nil && !env.Success) {
		apiErr := &APIError{
			HTTPStatus: resp.StatusCode, Code: env.Code, ErrorCode: env.ErrorCode,
			Message: env.Message, TraceID: env.TraceID, Endpoint: endpoint,
			RetryAfter: resp.Header.Get("Retry-After"),
		}
		if c.base != nil { // a recorded bill has no base URL: it was never asked of one
			apiErr.BasePath = c.scrub.String(strings.TrimRight(c.base.Path, "/"))
		}
		if derr != nil {
			apiErr.Body = c.scrub.String(bodyGist(resp.Header.Get("Content-Type"), body.head.String()))
		}
		return apiErr
	}
	if derr != nil {
		truncated := errors.Is(derr, io.ErrUnexpectedEOF) || errors.Is(derr, io.EOF)
		reason := derr.Error()
		switch {
		case truncated:
			reason = "the body ended before the JSON did (truncated answer)"
		case duplicateName(derr) != "":
			reason = duplicateName(derr)
		case errors.Is(derr, errNotEnvelope):
			reason = fmt.Sprintf("it is not a JSON envelope but %s (Content-Type %q)",
				bodyGist(resp.Header.Get("Content-Type"), body.head.String()), resp.Header.Get("Content-Type"))
		case isSyntaxError(derr):
			reason = "invalid JSON: " + derr.Error()
		}
		return c.decodeError(endpoint, env.TraceID, truncated, reason)
	}
	if env.ErrorCode != "" || env.CodeText != "200" {
		code := env.CodeText
		if code == "" {
			code = "missing"
		}
		return c.decodeError(endpoint, env.TraceID, false, fmt.Sprintf(
			"the answer contradicts itself: success is true, yet errorCode is %q and the envelope code is %s (HTTP 200 with success true needs errorCode \"\" and code 200)",
			env.ErrorCode, code))
	}
	if env.contentErr != nil {
		return c.decodeError(endpoint, env.TraceID, false, env.contentErr.Error())
	}
	return nil
}

// decodeError is an unusable answer; reason may quote the server, so it is scrubbed.
func (c *Client) decodeError(endpoint, traceID string, truncated bool, reason string) *DecodeError {
	return &DecodeError{Endpoint: endpoint, TraceID: traceID, Truncated: truncated, Reason: c.scrub.String(reason)}
}

// maskedHeaders writes the headers for a log line, the token's value masked. http.Header
// keeps names canonical (Df-Api-Key), so the token's header is found by its canonical name.
// The line is a string so that the provider's masking of strings applies to it as well.
func maskedHeaders(h http.Header) string {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names)
	lines := make([]string, len(names))
	for i, name := range names {
		value := strings.Join(h.Values(name), ", ")
		if name == http.CanonicalHeaderKey(TokenHeader) {
			name, value = TokenHeader, "***"
		}
		lines[i] = name + ": " + value
	}
	return strings.Join(lines, "; ")
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Trace(context.Context, string, map[string]any) {}
