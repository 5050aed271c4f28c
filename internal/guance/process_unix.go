//go:build unix

package guance

import (
	"errors"
	"math"
	"syscall"
)

// processGone reports that no process has the id pid on this machine: signal 0 checks, and
// sends nothing. A process of another user answers EPERM, and counts as running. An id
// beyond what the system has (a garbled book) is not checked: truncated, it would name another.
func processGone(pid int) bool {
	return pid > 0 && pid <= math.MaxInt32 && errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
