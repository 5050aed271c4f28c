//go:build unix

package guance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// Two users' cache directories never see each other's entries: each user's default directory
// is under their own cache directory, and a directory of another user's is not used even when
// a client is pointed at it.
func TestTwoUsersCacheDirectoriesNeverShareEntries(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a directory to another user")
	}
	sim := guancesim.NewServer(guancesim.Options{})
	t.Cleanup(sim.Close)
	home := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, "alice"))
	alice := cachingClient(t, sim, "", nil)
	readExactly(t, alice, cachedDay)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, "bob"))
	readExactly(t, cachingClient(t, sim, "", nil), cachedDay)
	if sim.Requests() != 2 {
		t.Errorf("%d requests, want 2: bob's cache holds nothing of alice's", sim.Requests())
	}
	// Alice's directory, owned by another user, is refused.
	if err := os.Chown(alice.reads.dir, nobodyUID, nobodyUID); err != nil {
		t.Fatal(err)
	}
	log := &recordingLogger{}
	readExactly(t, cachingClient(t, sim, alice.reads.dir, log), cachedDay)
	if sim.Requests() != 3 || !strings.Contains(log.String(), "is owned by uid 65534, not by this user") {
		t.Errorf("%d requests, want 3: another user's directory must not be read; log:\n%s", sim.Requests(), log)
	}
}
