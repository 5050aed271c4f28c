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
