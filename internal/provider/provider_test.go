package provider

import (
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// liveEnv keeps the real API's settings from the environment for the live test; every other
// test runs with them unset so that none reaches the real API by accident.
var liveEnv = map[string]string{}

func TestMain(m *testing.M) {
	// The machine's Terraform is used as it is: no download, no telemetry, no stray CLI config.
	_ = os.Setenv("CHECKPOINT_DISABLE", "1")
	for _, v := range []string{EnvAccessToken, EnvRegion, EnvEndpoint, EnvEndpointLegacy, EnvSharedPacing} {
		liveEnv[v] = os.Getenv(v)
		_ = os.Unsetenv(v)
	}
	dir, err := os.MkdirTemp("", "guance-cli-config")
	if err != nil {
		panic(err)
	}
	cliConfig := filepath.Join(dir, "terraformrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		panic(err)
	}
	_ = os.Setenv("TF_CLI_CONFIG_FILE", cliConfig)
	// Shared pacing files go to a cache directory of the tests' own (os.UserCacheDir reads it).
	_ = os.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache"))
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// errorLike matches Terraform's output when it holds every phrase in order, however
// Terraform wrapped the lines.
func errorLike(phrases ...string) *regexp.Regexp {
	quoted := make([]string, len(phrases))
	for i, p := range phrases {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

// factories serves the provider in-process as Terraform gets it, protocol server included,
// with retries shortened for tests only.
func factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"guance": func() (tfprotov6.ProviderServer, error) {
			return newFastReadServer(&guanceProvider{version: "test", tuneClient: fastRetries}), nil
		},
	}
}

func fastRetries(c *guance.Config) {
	c.BaseDelay, c.MaxDelay = time.Millisecond, 10*time.Millisecond
}

// newSim starts a simulator for one test.
func newSim(t *testing.T, opts guancesim.Options) *guancesim.Server {
	t.Helper()
	sim := guancesim.NewServer(opts)
	t.Cleanup(sim.Close)
	return sim
}

// simProvider is a provider block that reads from the simulator.
func simProvider(sim *guancesim.Server) string {
	return fmt.Sprintf(`
provider "guance" {
  endpoint     = %q
  access_token = %q
}
`, sim.URL(), guancesim.DefaultToken)
}

// billingConfig reads one period through the provider block given.
func billingConfig(providerBlock, start, end string) string {
	return providerBlock + fmt.Sprintf(`
data "guance_billing_details" "test" {
  start_date = %q
  end_date   = %q
}
`, start, end)
}

// num is an exact decimal for knownvalue.NumberExact.
func num(text string) *big.Float { return exactNumber(text) }

// readsAs plans config once against the provider and checks the state it reads.
func readsAs(t *testing.T, config string, checks ...statecheck.StateCheck) {
	t.Helper()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})
}

// failsWith plans config and expects it to fail with an error holding every phrase, in order.
func failsWith(t *testing.T, config string, phrases ...string) {
	t.Helper()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(),
		Steps:                    []resource.TestStep{{Config: config, ExpectError: errorLike(phrases...)}},
	})
}
