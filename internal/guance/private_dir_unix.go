//go:build unix

package guance

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// openNoFollow opens a file only when it is not a symlink; and without blocking on a FIFO
// (O_NONBLOCK changes nothing for a regular file).
const openNoFollow = syscall.O_NOFOLLOW | syscall.O_NONBLOCK

// checkPrivate says why the directory at p cannot be trusted, or nil: the directory itself
// (leaf) must be this user's and writable by no one else; a directory above it, this user's
// or root's and writable by no one else unless it is sticky.
func checkPrivate(p string, info fs.FileInfo, leaf bool) error {
	st, ok := info.Sys().(*syscall.Stat_t)
	switch {
	case info.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("%s is a symbolic link", p)
	case !info.IsDir():
		return fmt.Errorf("%s is not a directory", p)
	case !ok:
		return fmt.Errorf("%s: its owner cannot be told", p)
	}
	me := uint32(os.Geteuid()) //nolint:gosec // a uid, never negative on Unix
	writable := info.Mode().Perm()&0o022 != 0
	switch {
	case leaf && st.Uid != me:
		return fmt.Errorf("%s is owned by uid %d, not by this user (uid %d)", p, st.Uid, me)
	case leaf && writable:
		return fmt.Errorf("%s is writable by its group or others (mode %04o); chmod go-w it to share pacing", p, info.Mode().Perm())
	case st.Uid != me && st.Uid != 0:
		return fmt.Errorf("%s, a directory above it, is owned by uid %d, neither this user (uid %d) nor root", p, st.Uid, me)
	case writable && info.Mode()&fs.ModeSticky == 0:
		return fmt.Errorf("%s, a directory above it, is writable by its group or others (mode %04o) and not sticky", p, info.Mode().Perm())
	}
	return nil
}
