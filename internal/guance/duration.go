package guance

import (
	"strings"
	"time"
)

// FormatDuration writes d as time.Duration.String does, without its zero trailing units: 3m
// for 3m0s, 1h for 1h0m0s, 1h30m for 1h30m0s, and 30s, 1m30s and 1.5s as they are. Only a
// whole unit of zero is dropped: "30s" ends in "0s" without being zero seconds.
func FormatDuration(d time.Duration) string {
	s := d.String()
	if trimmed, ok := strings.CutSuffix(s, "m0s"); ok {
		s = trimmed + "m"
		if trimmed, ok := strings.CutSuffix(s, "h0m"); ok {
			s = trimmed + "h"
		}
	}
	return s
}
