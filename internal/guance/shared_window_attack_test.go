//go:build unix

package guance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// A symlink planted at any name the pacing files have, or had (the temporary file was
// <hash>.json.tmp), is never followed: reads go on, and the link's target keeps its content.
func TestASymlinkPlantedInThePacingDirectoryLeavesItsTargetUntouched(t *testing.T) {
	t.Parallel()
	for _, suffix := range []string{".json.tmp", ".lock", ".json"} {
		t.Run(suffix, func(t *testing.T) {
			t.Parallel()
			sim := guancesim.NewServer(guancesim.Options{})
			t.Cleanup(sim.Close)
			dir := filepath.Join(t.TempDir(), "pacing")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			log := &recordingLogger{}
			c := sharedClient(t, sim, dir, log)
			target, content := plantTarget(t)
			link := filepath.Join(dir, sharedWindowName(sim.URL(), guancesim.DefaultToken)+suffix)
			if err := os.Symlink(target, link); err != nil {
				t.Fatal(err)
			}
			readDay(t, c, 0)
			readDay(t, c, 1)
			checkUntouched(t, target, content)
			if suffix == ".lock" && !strings.Contains(log.String(), "pacing is not shared with other processes") {
				t.Errorf("a lock file that is a symlink did not make the client pace alone:\n%s", log)
			}
		})
	}
}

// A pacing directory owned by another user is not used, even with mode 0700: the client
// paces alone and says why at DEBUG, and writes nothing there. Making one takes root.
func TestAPacingDirectoryOfAnotherUserIsNotUsed(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("making a directory owned by another user takes root")
	}
	sim := guancesim.NewServer(guancesim.Options{})
	t.Cleanup(sim.Close)
	dir := filepath.Join(t.TempDir(), "pacing")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, nobodyUID, nobodyUID); err != nil {
		t.Fatal(err)
	}
	log := &recordingLogger{}
	c := sharedClient(t, sim, dir, log)
	readDay(t, c, 0)
	if !strings.Contains(log.String(), "is owned by uid 65534, not by this user") {
		t.Errorf("the DEBUG log does not say why the directory is not used:\n%s", log)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("%d files written in another user's directory", len(entries))
	}
}

// A group- or world-writable pacing directory is not used either.
func TestAPacingDirectoryOthersCanWriteIsNotUsed(t *testing.T) {
	t.Parallel()
	sim := guancesim.NewServer(guancesim.Options{})
	t.Cleanup(sim.Close)
	dir := filepath.Join(t.TempDir(), "pacing")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	log := &recordingLogger{}
	c := sharedClient(t, sim, dir, log)
	readDay(t, c, 0)
	if !strings.Contains(log.String(), "is writable by its group or others (mode 0777)") {
		t.Errorf("the DEBUG log does not say why the directory is not used:\n%s", log)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("%d files written in a directory others can write", len(entries))
	}
}
