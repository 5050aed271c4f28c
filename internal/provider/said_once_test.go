package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// fourReads are four reads of a plan that each need the API: two periods, a forecast and the
// balance.
const fourReads = `
data "guance_billing_details" "march" {
  start_date = "2024-03-01"
  end_date   = "2024-03-31"
}
data "guance_billing_details" "april" {
  start_date = "2024-04-01"
  end_date   = "2024-04-30"
}
data "guance_billing_forecast" "march" {
  start_date = "2024-03-01"
  end_date   = "2024-03-31"
  as_of      = "2024-03-15"
}
data "guance_billing_balance" "account" {}
`

// A mistake that every read of a plan meets (no token, a token refused, an endpoint where
// nothing listens) is explained in full once; the other reads still fail, each in one line
// that points to that explanation.
func TestAMistakeEveryReadMeetsIsExplainedOnce(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	for name, tc := range map[string]struct {
		provider string
		// explanation is a phrase of the full explanation only; failure is in every read's error.
		explanation, failure string
	}{
		"no token": {fmt.Sprintf("provider \"guance\" {\n  endpoint = %q\n}\n", sim.URL()),
			"API Key secret (Management → API Keys in Guance", "Missing Guance access token"},
		"a rejected token": {fmt.Sprintf("provider \"guance\" {\n  endpoint     = %q\n  access_token = \"not-the-key\"\n}\n", sim.URL()),
			"the key also selects the workspace", "Guance rejected the access token"},
		"nothing listening": {fmt.Sprintf("provider \"guance\" {\n  endpoint     = %q\n  access_token = \"any\"\n}\n", guancesim.ClosedURL(t)),
			"Nothing accepts connections at that host and port", "Could not read"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			printed := strings.Join(strings.Fields(failedPlanDiagnostics(t, tc.provider+fourReads)), " ")
			if n := strings.Count(printed, tc.explanation); n != 1 {
				t.Errorf("the full explanation is printed %d times, want once:\n%s", n, printed)
			}
			if n := strings.Count(printed, "Error: "+tc.failure); n != 4 {
				t.Errorf("%q is printed %d times, want once per read (4):\n%s", tc.failure, n, printed)
			}
			if n := strings.Count(printed, "The same mistake as the error"); n != 3 {
				t.Errorf("%d reads point to the explanation, want 3:\n%s", n, printed)
			}
		})
	}
}

// An endpoint that accepts connections and never answers fails the plan after the header
// timeout (30 s), in one attempt, with advice about the endpoint, not about max_read_time.
func TestASilentEndpointFailsAfterThirtySecondsWithEndpointAdvice(t *testing.T) {
	t.Parallel()
	silent, err := guancesim.SilentURL(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	failsWith(t, billingConfig(fmt.Sprintf("provider \"guance\" {\n  endpoint     = %q\n  access_token = \"any\"\n}\n", silent),
		"2024-03-01", "2024-03-01"),
		"Could not read Guance billing", "no answer: the server accepted the connection but sent no answer headers within 30s",
		"it is not the Guance OpenAPI: check the endpoint's host, port and scheme", "max_read_time would not help")
	t.Logf("the plan failed after %s", time.Since(start).Round(100*time.Millisecond))
}
