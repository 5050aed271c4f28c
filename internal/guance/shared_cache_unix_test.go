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
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a directory to another user")
	}
	// The default is the user's own cache directory (XDG_CACHE_HOME or ~/.cache, per user);
	// the two users below stand in for it with a directory each, set in the client rather than
	// the process environment, so the test runs in parallel with the rest.
	userCache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	if dir, err := defaultReadCacheDir(); err != nil || dir != filepath.Join(userCache, readCacheDirName) {
		t.Fatalf("default directory %q (%v), want %q under the user's cache directory", dir, err, readCacheDirName)
	}
	sim := guancesim.NewServer(guancesim.Options{})
	t.Cleanup(sim.Close)
	home := t.TempDir()
	alice := cachingClient(t, sim, filepath.Join(home, "alice", readCacheDirName), nil)
	readExactly(t, alice, cachedDay)
	readExactly(t, cachingClient(t, sim, filepath.Join(home, "bob", readCacheDirName), nil), cachedDay)
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
