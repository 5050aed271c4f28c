//go:build unix

package guance

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// plantTarget is a file another user would want overwritten, with its content to compare.
func plantTarget(t *testing.T) (path string, content string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "precious")
	content = "precious content\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, content
}

// checkUntouched fails when the file at path no longer holds content, or missing does exist.
func checkUntouched(t *testing.T, path, content string) {
	t.Helper()
	if data, err := os.ReadFile(path); err != nil || string(data) != content {
		t.Errorf("%s now holds %q (%v), want it untouched", path, data, err)
	}
}

func privateTestDir(t *testing.T) privateDir {
	t.Helper()
	d, err := openPrivateDir(filepath.Join(t.TempDir(), "private"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// A symlink where a file should be is never followed: reading it fails, writing replaces the
// link itself, locking fails, and the link's target stays as it was.
func TestAPrivateDirNeverFollowsASymlink(t *testing.T) {
	t.Parallel()
	d := privateTestDir(t)
	target, content := plantTarget(t)
	for _, name := range []string{"book.json", "book.lock"} {
		if err := os.Symlink(target, d.File(name)); err != nil {
			t.Fatal(err)
		}
	}
	if data, err := d.ReadFile("book.json", 1<<20); err == nil {
		t.Errorf("read %q through a symlink", data)
	}
	if locked, err := d.Lock("book.lock").TryLock(); err == nil || locked {
		t.Errorf("locked through a symlink (locked %t, error %v)", locked, err)
	}
	if err := d.WriteFile("book.json", []byte("new")); err != nil {
		t.Fatal(err)
	}
	checkUntouched(t, target, content)
	if info, err := os.Lstat(d.File("book.json")); err != nil || !info.Mode().IsRegular() {
		t.Errorf("book.json is %v (%v) after the write, want a regular file in place of the link", info.Mode(), err)
	}
	if data, err := d.ReadFile("book.json", 1<<20); err != nil || string(data) != "new" {
		t.Errorf("read back %q, %v", data, err)
	}
}

// A lock through a dangling symlink does not create the link's target.
func TestAPrivateDirLockDoesNotCreateASymlinksTarget(t *testing.T) {
	t.Parallel()
	d := privateTestDir(t)
	target := filepath.Join(t.TempDir(), "created-by-the-victim")
	if err := os.Symlink(target, d.File("book.lock")); err != nil {
		t.Fatal(err)
	}
	_, _ = d.Lock("book.lock").TryLock()
	if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("locking created the symlink's target %s (%v)", target, err)
	}
}

// A file longer than the limit, and anything but a regular file, is refused; a missing one is
// fs.ErrNotExist; a write leaves no temporary file behind.
func TestAPrivateDirReadsOnlyRegularFilesWithinTheLimit(t *testing.T) {
	t.Parallel()
	d := privateTestDir(t)
	if _, err := d.ReadFile("missing", 10); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file gives %v, want fs.ErrNotExist", err)
	}
	if err := d.WriteFile("long", []byte("0123456789a")); err != nil {
		t.Fatal(err)
	}
	if data, err := d.ReadFile("long", 10); err == nil {
		t.Errorf("read %d bytes past a limit of 10", len(data))
	}
	if err := os.Mkdir(d.File("sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ReadFile("sub", 10); !errors.Is(err, errNotRegular) {
		t.Errorf("a directory gives %v, want errNotRegular", err)
	}
	entries, _ := os.ReadDir(d.Path())
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("%s left behind", e.Name())
		}
	}
}

// A directory that someone else could change is not used, with the reason.
func TestAPrivateDirRefusesADirectoryOthersCanChange(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		mode   os.FileMode // of the leaf
		parent os.FileMode // of the directory above it
		want   string
	}{
		{"group-writable", 0o770, 0o700, "writable by its group or others (mode 0770)"},
		{"world-writable", 0o707, 0o700, "writable by its group or others (mode 0707)"},
		{"world-writable parent, not sticky", 0o700, 0o777, "a directory above it, is writable by its group or others (mode 0777) and not sticky"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			parent := filepath.Join(t.TempDir(), "parent")
			dir := filepath.Join(parent, "pacing")
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			// Chmod, not Mkdir's mode: the umask would take the write bits off.
			if err := os.Chmod(dir, tc.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(parent, tc.parent); err != nil {
				t.Fatal(err)
			}
			if _, err := openPrivateDir(dir); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("openPrivateDir: %v, want an error with %q", err, tc.want)
			}
		})
	}
	// A sticky world-writable parent, as /tmp, is fine.
	parent := filepath.Join(t.TempDir(), "sticky")
	if err := os.Mkdir(parent, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(parent, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	if _, err := openPrivateDir(filepath.Join(parent, "pacing")); err != nil {
		t.Errorf("a private directory under a sticky one: %v", err)
	}
}

// A directory owned by another user is not used, even when its mode is 0700. Making one
// takes root.
func TestAPrivateDirRefusesADirectoryOfAnotherUser(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("making a directory owned by another user takes root")
	}
	dir := filepath.Join(t.TempDir(), "pacing")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, nobodyUID, nobodyUID); err != nil {
		t.Fatal(err)
	}
	if _, err := openPrivateDir(dir); err == nil || !strings.Contains(err.Error(), "is owned by uid 65534, not by this user (uid 0)") {
		t.Errorf("openPrivateDir: %v, want it refused as another user's", err)
	}
}

// nobodyUID is the uid of nobody on Debian and most Linux systems.
const nobodyUID = 65534
