package guance

import (
	"testing"
	"time"
)

// Only whole zero units are dropped: 30s keeps its 0, which once made "30s" print as "3".
func TestFormatDurationDropsOnlyZeroUnits(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		30 * time.Second:                "30s",
		10 * time.Second:                "10s",
		90 * time.Second:                "1m30s",
		3 * time.Minute:                 "3m",
		10 * time.Minute:                "10m",
		20*time.Minute + 10*time.Second: "20m10s",
		time.Hour:                       "1h",
		10 * time.Hour:                  "10h",
		time.Hour + 30*time.Minute:      "1h30m",
		time.Hour + 10*time.Second:      "1h0m10s",
		1500 * time.Millisecond:         "1.5s",
		0:                               "0s",
		500 * time.Millisecond:          "500ms",
		2*time.Hour + 50*time.Minute:    "2h50m",
	} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
