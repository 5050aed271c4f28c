package guance

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/gofrs/flock"
)

// privateDir is a directory that no one but this user (and root) can change, for the files
// this user's processes share: the pacing book, and any later file of the same kind (a shared
// read cache). Whoever can write to a directory can plant a symlink in it, and a program that
// follows the link writes, with its user's rights, wherever the planter pointed it; so a
// directory is used only when it is owned by this user and writable by no one else, and every
// directory above it is owned by this user or root and writable by no one else, or sticky
// (as /tmp is: there others cannot rename or remove what is not theirs). Within it, no file is
// opened through a symlink, and a file is replaced by writing a new one under a name of its
// own (os.CreateTemp, which creates exclusively) and renaming it into place.
//
// The checks are made once, by openPrivateDir, on the path with its symlinks resolved, and
// every later use goes through that resolved path: with no directory on it that another user
// can change, nothing can be swapped in after the check.
type privateDir struct {
	path string // absolute, with no symlink in it
}

// openPrivateDir makes dir (mode 0700, parents included) when it is missing, and returns it
// when it is private as privateDir says; otherwise an error that says why it is not.
func openPrivateDir(dir string) (privateDir, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return privateDir{}, err
	}
	resolved, err := filepath.EvalSymlinks(dir)
	if err == nil {
		resolved, err = filepath.Abs(resolved)
	}
	if err != nil {
		return privateDir{}, err
	}
	for p := resolved; ; p = filepath.Dir(p) {
		info, err := os.Lstat(p)
		if err != nil {
			return privateDir{}, err
		}
		if err := checkPrivate(p, info, p == resolved); err != nil {
			return privateDir{}, err
		}
		if filepath.Dir(p) == p {
			return privateDir{path: resolved}, nil
		}
	}
}

// Path is the directory, its symlinks resolved.
func (d privateDir) Path() string { return d.path }

// File is the path of name in the directory.
func (d privateDir) File(name string) string { return filepath.Join(d.path, name) }

// errNotRegular is the error for a name that is a symlink, a directory or a device, not a file.
var errNotRegular = errors.New("not a regular file")

// ReadFile reads name, which must be a regular file of at most limit bytes. A symlink is not
// followed: it, and anything else but a regular file, is an error, and so is a longer file.
// A missing file is fs.ErrNotExist.
func (d privateDir) ReadFile(name string, limit int64) ([]byte, error) {
	f, err := os.OpenFile(d.File(name), os.O_RDONLY|openNoFollow, 0) //nolint:gosec // a name of the caller's own, in a checked directory
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	info, err := f.Stat()
	switch {
	case err != nil:
		return nil, err
	case !info.Mode().IsRegular():
		return nil, fmt.Errorf("%s: %w", d.File(name), errNotRegular)
	case info.Size() > limit:
		return nil, fmt.Errorf("%s holds %d bytes, more than the %d it may", d.File(name), info.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err == nil && int64(len(data)) > limit {
		err = fmt.Errorf("%s holds more than the %d bytes it may", d.File(name), limit)
	}
	return data, err
}

// WriteFile replaces name with data whole, mode 0600: written to a new file of its own,
// then renamed over name, so that a process killed midway leaves the old file, and a symlink
// at name is replaced, never followed.
func (d privateDir) WriteFile(name string, data []byte) (err error) {
	tmp, err := os.CreateTemp(d.path, name+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name()) //nolint:gosec // the file CreateTemp just made
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), d.File(name)) //nolint:gosec // as in ReadFile
}

// Lock is the lock file name, created with mode 0600 and never opened through a symlink: a
// symlink there makes locking fail rather than create or open its target.
func (d privateDir) Lock(name string) *flock.Flock {
	return flock.New(d.File(name), flock.SetFlag(os.O_CREATE|os.O_RDONLY|openNoFollow), flock.SetPermissions(0o600))
}
