package guance

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// recordingLogger keeps every line the client logs, fields formatted as a log sink would.
type recordingLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *recordingLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.record("DEBUG", msg, fields)
}

func (l *recordingLogger) Trace(_ context.Context, msg string, fields map[string]any) {
	l.record("TRACE", msg, fields)
}

func (l *recordingLogger) record(level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf("[%s] %s: %v", level, msg, fields))
}

// The client's own log lines hold no token, even before the provider's masking: the request
// headers are logged with DF-API-KEY masked, whatever case Go gives the header's name.
func TestTheClientLogsRequestsWithTheTokenMasked(t *testing.T) {
	log := &recordingLogger{}
	c, _ := testClient(t, brokenThenWhole(func(w http.ResponseWriter, _ *http.Request) {
		answer(w, http.StatusTooManyRequests, false, "", `null`)
	}), func(cfg *Config) { cfg.Logger = log })
	if _, err := c.BillingDetails(context.Background(), march); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(log.lines, "\n")
	if strings.Contains(all, testToken) {
		t.Errorf("the token is in the client's log:\n%s", all)
	}
	for _, want := range []string{"[TRACE] Guance API request headers", "DF-API-KEY: ***", "User-Agent: test-agent/1", "retrying", "[DEBUG] Guance API answer"} {
		if !strings.Contains(all, want) {
			t.Errorf("the log lacks %q:\n%s", want, all)
		}
	}
}

func (l *recordingLogger) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}
