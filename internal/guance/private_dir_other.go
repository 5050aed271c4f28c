//go:build !unix

package guance

import (
	"fmt"
	"io/fs"
)

// openNoFollow is 0 where the system has no such flag: on Windows a user's cache directory
// (%LocalAppData%) is the user's alone by its access control list.
const openNoFollow = 0

// checkPrivate refuses a symlink or a file where the directory should be; ownership is the
// access control list's, which the cache directory's defaults keep to the user.
func checkPrivate(p string, info fs.FileInfo, _ bool) error {
	switch {
	case info.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("%s is a symbolic link", p)
	case !info.IsDir():
		return fmt.Errorf("%s is not a directory", p)
	}
	return nil
}
