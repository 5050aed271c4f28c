package guancesim

import (
	"context"
	"net"
)

// ClosedURL is the URL of a loopback port that was just listened on and closed, so that a
// connection to it is refused: an endpoint where no API answers.
func ClosedURL(ctx context.Context) (string, error) {
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		return "", err
	}
	return "http://" + addr, nil
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
