package guancesim

import (
	"context"
	"net"
	"sync/atomic"
)

// Test is what ClosedURL needs of a test: testing.TB's part, so that this package does not
// import testing.
type Test interface {
	Helper()
	Fatal(args ...any)
	Context() context.Context
}

// ClosedURL is the URL of a loopback port that was just listened on and closed, so that a
// connection to it is refused: an endpoint where no API answers. It fails t if it cannot.
func ClosedURL(t Test) string {
	t.Helper()
	var lc net.ListenConfig
	l, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr
}

// UnresolvableDial is a dial function for an http.Transport that fails every connection as a
// name lookup does: with notFound, as for a host name that does not exist (NXDOMAIN); else as
// a lookup that failed otherwise (a resolver that did not answer). It counts the dials in
// dials. Real lookups depend on the machine's resolver, which may not answer at all.
func UnresolvableDial(notFound bool, dials *atomic.Int32) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(_ context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		host, _, _ := net.SplitHostPort(addr)
		lookup := &net.DNSError{Name: host, Err: "no such host", IsNotFound: true}
		if !notFound {
			lookup = &net.DNSError{Name: host, Err: "server misbehaving", IsTemporary: true}
		}
		return nil, &net.OpError{Op: "dial", Net: network, Err: lookup}
	}
}

// SilentURL is the URL of a loopback port that accepts connections and never sends a byte:
// an endpoint that is some other service, or a port a firewall holds open. Its connections
// stay open until ctx is done.
func SilentURL(ctx context.Context) (string, error) {
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go func() {
		<-ctx.Done()
		_ = l.Close()
	}()
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				<-ctx.Done()
				_ = conn.Close()
			}()
		}
	}()
	return "http://" + l.Addr().String(), nil
}
