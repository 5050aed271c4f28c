package provider

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

func TestProviderRefusesBadConfiguration(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		provider string
		want     []string
	}{
		"unknown region lists the valid ones": {
			`provider "guance" {
  region       = "mars"
  access_token = "x"
}`, []string{"Unknown Guance region", `region: unknown region "mars"; valid values are: ap1, cn1, cn2`, "hangzhou", "zhangjiakou"},
		},
		"a misspelt region suggests the nearest": {
			`provider "guance" {
  region       = "hangzou"
  access_token = "x"
}`, []string{"Unknown Guance region", `region: unknown region "hangzou" (did you mean "hangzhou"?); valid values are: ap1`},
		},
		"plain http to a remote host": {
			`provider "guance" {
  endpoint     = "http://openapi.example.com"
  access_token = "x"
}`, []string{"Invalid Guance endpoint", `"http://openapi.example.com" uses plain http to a host that is not loopback`, "use https"},
		},
		"not an absolute URL": {
			`provider "guance" {
  endpoint     = "openapi.example.com"
  access_token = "x"
}`, []string{`"openapi.example.com" is not an absolute http(s) URL`},
		},
		"region and endpoint together": {
			`provider "guance" {
  region       = "oregon"
  endpoint     = "https://openapi.example.com"
  access_token = "x"
}`, []string{"Invalid Attribute Combination", `"region"`},
		},
		"no token anywhere names the attribute and the variable": {
			`provider "guance" {
  endpoint = "https://openapi.example.com"
}`, []string{"Missing Guance access token", "access_token attribute or the GUANCE_ACCESS_TOKEN environment variable"},
		},
		"bad retry wait": {
			`provider "guance" {
  access_token   = "x"
  max_retry_wait = "soon"
}`, []string{`"soon" is not a positive duration`},
		},
		"a rate that is not a whole number": {
			`provider "guance" {
  access_token        = "x"
  requests_per_minute = 2.5
}`, []string{"Invalid number", "requests_per_minute is 2.5; it must be a whole number from 1 to 1000."},
		},
		"attempts out of range": {
			`provider "guance" {
  access_token = "x"
  max_attempts = 51
}`, []string{"Invalid number", "max_attempts is 51; it must be a whole number from 1 to 50."},
		},
		"bad read time": {
			`provider "guance" {
  access_token  = "x"
  max_read_time = "-3m"
}`, []string{"Invalid duration", `"-3m" is not a positive duration`},
		},
		"a currency that is not an ISO code": {
			`provider "guance" {
  access_token = "x"
  currency     = "rmb"
}`, []string{"Invalid currency", `currency: "rmb" is not a currency; write an ISO 4217 code of three capital letters`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			failsWith(t, billingConfig(tc.provider, "2024-03-01", "2024-03-01"), tc.want...)
		})
	}
}

func TestProviderRefusesAnUnknownRegionFromTheEnvironment(t *testing.T) {
	t.Parallel()
	testProvider{env: map[string]string{EnvAccessToken: "x", EnvRegion: "atlantis"}}.failsWith(t, billingConfig(`provider "guance" {}`, "2024-03-01", "2024-03-01"), "Unknown Guance region", `environment variable GUANCE_REGION: unknown region "atlantis"; valid values are`)
}

func TestProviderReadsItsConfigurationFromTheEnvironment(t *testing.T) {
	t.Parallel()
	for _, endpointVar := range []string{EnvEndpoint, EnvEndpointLegacy} {
		t.Run(endpointVar, func(t *testing.T) {
			t.Parallel()
			sim := newSim(t, guancesim.Options{})
			env := map[string]string{EnvAccessToken: guancesim.DefaultToken, endpointVar: sim.URL()}
			testProvider{env: env}.readsAs(t, billingConfig(`provider "guance" {}`, "2024-03-01", "2024-03-01"),
				expect(at("total_billing_result"), knownvalue.NumberExact(num("3291.58"))),
			)
		})
	}
}

// A token that comes from another resource is unknown while planning: the read says why it
// cannot happen yet, and nothing crashes.
func TestProviderWithUnknownConfigurationExplainsInsteadOfCrashing(t *testing.T) {
	t.Parallel()
	failsWith(t, `
resource "terraform_data" "token" {
  input = "later"
}

provider "guance" {
  access_token = terraform_data.token.output
  endpoint     = "https://openapi.example.com"
}
`+billingConfig("", "2024-03-01", "2024-03-01"), "configuration is not known yet", "access_token depends on a value that is known only after apply")
}

// With several attributes unknown, the message names the first in the schema's order, the
// same one every plan.
func TestProviderWithSeveralUnknownAttributesNamesTheFirst(t *testing.T) {
	t.Parallel()
	failsWith(t, `
resource "terraform_data" "later" {
  input = "later"
}

provider "guance" {
  max_read_time  = terraform_data.later.output
  max_retry_wait = terraform_data.later.output
  endpoint       = terraform_data.later.output
  access_token   = "x"
}
`+billingConfig("", "2024-03-01", "2024-03-01"), "configuration is not known yet", "endpoint depends on a value that is known only after apply")
}

func TestProviderNamesTheLegacyEndpointVariableItReadAValueFrom(t *testing.T) {
	t.Parallel()
	testProvider{env: map[string]string{EnvAccessToken: "x", EnvEndpointLegacy: "http://billing.example.com"}}.failsWith(t, billingConfig(`provider "guance" {}`, "2024-03-01", "2024-03-01"), "Invalid Guance endpoint", `environment variable GUANCE_END_POINT: "http://billing.example.com" uses plain http`)
}

// Pacing is shared with the machine's other processes unless shared_pacing or
// GUANCE_SHARED_PACING turns it off; the attribute wins over the variable.
func TestSharedPacingIsOnUnlessTurnedOff(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	cases := []struct {
		name, attribute, env string
		want                 bool
	}{
		{"by default", "", "", true},
		{"attribute false", "shared_pacing = false", "", false},
		{"variable false", "", "false", false},
		{"attribute over variable", "shared_pacing = true", "0", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := configuredClient(t, sim, map[string]string{EnvSharedPacing: tc.env}, tc.attribute).SharedPacing; got != tc.want {
				t.Errorf("shared pacing %t, want %t", got, tc.want)
			}
		})
	}
}

// configuredClient plans a read with a provider block of attribute against sim, the provider's
// environment env, and returns the client configuration the provider made.
func configuredClient(t *testing.T, sim *guancesim.Server, env map[string]string, attribute string) guance.Config {
	t.Helper()
	var configured atomic.Pointer[guance.Config]
	tune := func(c *guance.Config) {
		fastRetries(c)
		configured.Store(c)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProvider{env: env, tune: tune}.factories(),
		Steps: []resource.TestStep{{Config: billingConfig(fmt.Sprintf(`provider "guance" {
  endpoint     = %q
  access_token = %q
  %s
}`, sim.URL(), guancesim.DefaultToken, attribute), "2024-03-01", "2024-03-01")}},
	})
	c := configured.Load()
	if c == nil {
		t.Fatal("the provider configured no client")
	}
	return *c
}

// Reads are shared with the machine's other processes for a minute unless shared_read_ttl or
// GUANCE_SHARED_READ_TTL says otherwise; 0 turns it off; the attribute wins over the variable.
func TestSharedReadTTLIsAMinuteUnlessSetOtherwise(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	cases := []struct {
		name, attribute, env string
		want                 time.Duration
	}{
		{"by default", "", "", time.Minute},
		{"attribute", `shared_read_ttl = "90s"`, "", 90 * time.Second},
		{"attribute off", `shared_read_ttl = "0"`, "", 0},
		{"variable off", "", "0s", 0},
		{"variable", "", "5m", 5 * time.Minute},
		{"attribute over variable", `shared_read_ttl = "10s"`, "0", 10 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := configuredClient(t, sim, map[string]string{EnvSharedReadTTL: tc.env}, tc.attribute).SharedReadTTL; got != tc.want {
				t.Errorf("shared read TTL %s, want %s", got, tc.want)
			}
		})
	}
}

func TestProviderRefusesASharedReadTTLThatIsNotADurationUpToAnHour(t *testing.T) {
	t.Parallel()
	withToken := testProvider{env: map[string]string{EnvAccessToken: "x"}}
	for _, bad := range []string{"-1s", "2h", "soon"} {
		withToken.failsWith(t, billingConfig(fmt.Sprintf(`provider "guance" {
  endpoint        = "https://openapi.example.com"
  shared_read_ttl = %q
}`, bad), "2024-03-01", "2024-03-01"), "Invalid shared read TTL", fmt.Sprintf("%q is not a duration from 0 to 1h", bad))
	}
	testProvider{env: map[string]string{EnvAccessToken: "x", EnvSharedReadTTL: "2h"}}.failsWith(t, billingConfig(`provider "guance" { endpoint = "https://openapi.example.com" }`, "2024-03-01", "2024-03-01"),
		"Invalid GUANCE_SHARED_READ_TTL", `The environment variable GUANCE_SHARED_READ_TTL: "2h" is not a duration from 0 to 1h`)
}

func TestProviderRefusesASharedPacingVariableThatIsNotABoolean(t *testing.T) {
	t.Parallel()
	testProvider{env: map[string]string{EnvAccessToken: "x", EnvSharedPacing: "sometimes"}}.failsWith(t, billingConfig(`provider "guance" { endpoint = "https://openapi.example.com" }`, "2024-03-01", "2024-03-01"),
		"Invalid GUANCE_SHARED_PACING", `The environment variable GUANCE_SHARED_PACING is "sometimes", which is not a boolean`)
}

// The documentation of max_read_time names the idle timeout whole: a formatter that trimmed
// "0s" off every duration once printed 30s as "3".
func TestTheMaxReadTimeDocumentationNamesEveryBoundWhole(t *testing.T) {
	t.Parallel()
	var resp provider.SchemaResponse
	testProvider{}.provider().Schema(t.Context(), provider.SchemaRequest{}, &resp)
	got := resp.Schema.Attributes["max_read_time"].GetMarkdownDescription()
	for _, want := range []string{"Defaults to `3m`", "cut off after 2m,", "sends no data for 30s is cut off"} {
		if !strings.Contains(got, want) {
			t.Errorf("max_read_time's description lacks %q:\n%s", want, got)
		}
	}
}

func TestProviderRefusesACurrencyVariableThatIsNotAnISOCode(t *testing.T) {
	t.Parallel()
	testProvider{env: map[string]string{EnvAccessToken: "x", EnvCurrency: "yuan"}}.failsWith(t, billingConfig(`provider "guance" { endpoint = "https://openapi.example.com" }`, "2024-03-01", "2024-03-01"),
		"Invalid GUANCE_CURRENCY", `The environment variable GUANCE_CURRENCY: "yuan" is not a currency`)
}
