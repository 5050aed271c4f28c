package guance

import (
	"compress/flate"
	"compress/gzip"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"regexp"
	"strings"
	"syscall"
)

// htmlTitle finds the title of an HTML page, where gateways put their status.
var htmlTitle = regexp.MustCompile(`(?is)<title[^>]*>\s*(.*?)\s*</title>`)

// bodyGist describes the start of a body that is not a Guance envelope: an HTML error page by
// its title, anything else by its first characters.
func bodyGist(contentType, head string) string {
	text := strings.Join(strings.Fields(head), " ")
	switch {
	case text == "":
		return "an empty body"
	case strings.HasPrefix(contentType, "text/html") || strings.HasPrefix(text, "<"):
		if m := htmlTitle.FindStringSubmatch(text); m != nil && m[1] != "" {
			return fmt.Sprintf("an HTML page titled %q", m[1])
		}
		return fmt.Sprintf("an HTML page starting %q", truncate(text, 80))
	default:
		return fmt.Sprintf("a body starting %q", truncate(text, 80))
	}
}

// transportError is a request that got no answer. Go's errors can quote the server (a
// malformed status line, for one), so the text is scrubbed. The text leaves out the URL that
// Go's own error repeats: the endpoint names it already.
func (c *Client) transportError(endpoint string, err error) *transportError {
	inner := err
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		inner = urlErr.Err
	}
	cause, attempts := noAnswerCause(err)
	return &transportError{endpoint: endpoint, err: err, text: c.scrub.String(inner.Error()), cause: cause, attempts: attempts}
}

// NoAnswer says why a request got no answer, so that advice can follow the cause.
type NoAnswer int

// The causes told apart. The named ones repeat by nature: asking again at once only delays
// the message.
const (
	NoAnswerOther       NoAnswer = iota // a reset, a timeout, a proxy's failure: often passing
	NoAnswerRefused                     // nothing accepts connections at that host and port
	NoAnswerUnknownHost                 // the host name does not resolve
	NoAnswerUntrusted                   // the server's TLS certificate is not trusted
	NoAnswerSilent                      // the server accepts connections but never answers
)

func (n NoAnswer) String() string {
	switch n {
	case NoAnswerRefused:
		return "a refused connection"
	case NoAnswerUnknownHost:
		return "a host name that does not resolve"
	case NoAnswerUntrusted:
		return "an untrusted TLS certificate"
	case NoAnswerSilent:
		return "a server that sends no answer"
	}
	return "no answer"
}

// NoAnswerCause is why err's request got no answer; NoAnswerOther when it got one.
func NoAnswerCause(err error) NoAnswer {
	var tr *transportError
	if errors.As(err, &tr) && tr != nil {
		return tr.cause
	}
	return NoAnswerOther
}

// noAnswerCause tells the causes apart, and how many attempts each is worth: a certificate
// the client does not trust and a host name that does not exist, one; a refused connection or
// a failed name lookup, two, in case a server was restarting or a resolver hiccuped; 0 for no
// bound of their own.
func noAnswerCause(err error) (NoAnswer, int) {
	var verify *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var dns *net.DNSError
	switch {
	case errors.As(err, &verify), errors.As(err, &unknownAuthority), errors.As(err, &hostname), errors.As(err, &invalid):
		return NoAnswerUntrusted, 1
	case errors.As(err, &dns) && dns.IsNotFound:
		return NoAnswerUnknownHost, 1
	case errors.As(err, &dns):
		return NoAnswerUnknownHost, 2
	case errors.Is(err, syscall.ECONNREFUSED):
		return NoAnswerRefused, 2
	case isTLSHandshakeTimeout(err):
		// https to a port that accepts and says nothing: the headers' wait never starts.
		return NoAnswerSilent, 2
	}
	return NoAnswerOther, 0
}

// isTLSHandshakeTimeout reports net/http's TLS handshake timeout, whose type is unexported:
// a timeout whose text names the handshake.
func isTLSHandshakeTimeout(err error) bool {
	var timeout interface{ Timeout() bool }
	return errors.As(err, &timeout) && timeout.Timeout() && strings.Contains(err.Error(), "TLS handshake timeout")
}

// isCorruptCompression reports a compressed body that cannot be decompressed: the same bytes
// would fail the same way, unlike a body that broke off.
func isCorruptCompression(err error) bool {
	var corrupt flate.CorruptInputError
	return errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) || errors.As(err, &corrupt)
}

// overCap is the error for an answer larger than MaxBodyBytes.
func (c *Client) overCap(endpoint, traceID, announced string) error {
	return c.decodeError(endpoint, traceID, false, fmt.Sprintf(
		"the answer is larger than %s%s, the client's cap; ask for a shorter period", byteSize(c.cfg.MaxBodyBytes), announced))
}

// byteSize writes whole mebibytes as such.
func byteSize(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// transportError is a request that got no answer: refused, reset, timed out.
type transportError struct {
	endpoint string
	err      error
	text     string // the cause's text, scrubbed
	cause    NoAnswer
	attempts int // the most attempts worth making; 0 for the read's own bounds
}

func (e *transportError) Error() string {
	if e == nil {
		return noDetails
	}
	return fmt.Sprintf("%s: no answer: %s", e.endpoint, e.text)
}

func (e *transportError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.err
}

// cappedReader stops at the cap and remembers the first bytes for error messages, and why the
// body broke off when the connection failed.
type cappedReader struct {
	r        io.Reader
	progress func() // called whenever bytes arrive
	left     int64
	exceeded bool
	broken   error
	head     strings.Builder
	capture  *bodyCapture // nil, or keeps every byte read
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// At the cap: an answer of exactly the cap ends here, a larger one is refused.
		var one [1]byte
		if n, err := c.r.Read(one[:]); n == 0 {
			return 0, err
		}
		c.exceeded = true
		return 0, errors.New("answer too large")
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	if n > 0 {
		c.progress()
		if c.capture != nil {
			c.capture.keep(p[:n])
		}
	}
	c.left -= int64(n)
	if c.head.Len() < 256 {
		c.head.Write(p[:min(n, 256-c.head.Len())])
	}
	if err != nil && !errors.Is(err, io.EOF) && c.broken == nil {
		c.broken = err
	}
	return n, err
}
