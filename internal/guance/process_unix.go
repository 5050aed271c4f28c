//go:build unix

package guance

import (
	"errors"
	"syscall"
)

// processGone reports that no process has the id pid on this machine: signal 0 checks, and
// sends nothing. A process of another user answers EPERM, and counts as running.
func processGone(pid int) bool {
	return pid > 0 && errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
