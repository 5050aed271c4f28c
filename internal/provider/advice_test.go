package provider

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/guance-finops/terraform-provider-guance/internal/guance"
	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// unresolvable is a host name that cannot exist (RFC 2606 reserves .invalid).
const unresolvable = "https://guance-provider-test.invalid"

// readError reads 2024-03-01 from baseURL with a client tuned as the tests' provider is, and
// returns the diagnostic a user would see.
func readError(t *testing.T, baseURL string, period guance.Period, tune func(*guance.Config)) (summary, detail string) {
	t.Helper()
	cfg := guance.Config{BaseURL: baseURL, Token: guancesim.DefaultToken}
	fastRetries(&cfg)
	if tune != nil {
		tune(&cfg)
	}
	c, err := guance.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.BillingDetails(context.Background(), period)
	if err == nil {
		t.Fatal("the read succeeded")
	}
	d := clientErrorDiagnostic("Could not read Guance billing for "+period.String(), err)
	return d.Summary(), d.Detail()
}

var oneDay = guance.Period{Start: guance.Date{Year: 2024, Month: time.March, Day: 1}, End: guance.Date{Year: 2024, Month: time.March, Day: 1}}

// sentences splits a message into its sentences, roughly: enough to find one said twice.
var sentenceEnd = regexp.MustCompile(`[.:;]\s+|\n+`)

// Each failure's message says each fact once, gives the advice its cause calls for, and
// sends the user to Guance support with the traceId only where support can help.
func TestEachFailureSaysEachFactOnceWithTheAdviceItsCauseCallsFor(t *testing.T) {
	sim := newSim(t, guancesim.Options{})
	failing := newSim(t, guancesim.Options{})
	failing.InjectFault(guancesim.FaultServerError, 3)
	slow := newSim(t, guancesim.Options{Latency: time.Minute})
	cases := map[string]struct {
		baseURL string
		period  guance.Period
		tune    func(*guance.Config)
		want    []string // in order, each once
		wantNot []string
	}{
		"an endpoint with /api/v1": {
			baseURL: sim.URL() + "/api/v1", period: oneDay,
			want: []string{": the endpoint is not the API's base URL", "GET " + sim.URL() +
				"/api/v1/api/v1/billing/detail/list?endDate=20240301&startDate=20240301 answered HTTP 404",
				"drop /api/v1 from endpoint"},
			wantNot: []string{"support", "traceId", "tried"},
		},
		"a parameter the API refuses": {
			baseURL: sim.URL(), period: guance.Period{Start: guance.Date{Year: 2010, Month: time.January, Day: 1}, End: oneDay.End},
			want:    []string{": the API refused the request", "HTTP 400", "ft.ParamError", "period longer than", "start_date and end_date"},
			wantNot: []string{"support", "traceId", "tried"},
		},
		"a refused connection": {
			baseURL: guancesim.ClosedURL(t), period: oneDay,
			want:    []string{"connection refused", "The provider tried 2 times (a refused connection is asked again only once)", "Nothing accepts connections"},
			wantNot: []string{"support", "gave up after", "attempts"},
		},
		"an unknown host": {
			baseURL: unresolvable, period: oneDay,
			want:    []string{"guance-provider-test.invalid/api/v1/billing/detail/list", "The host name does not resolve"},
			wantNot: []string{"support"},
		},
		"a failing API outlasting the retries": {
			baseURL: failing.URL(), period: oneDay, tune: func(c *guance.Config) { c.MaxAttempts = 3 },
			want:    []string{": the API is failing", "HTTP 500", "The provider tried 3 times (the most max_attempts allows)", "give Guance support the traceId TRACE-"},
			wantNot: []string{"gave up after", "max_attempts is"},
		},
		"a server too slow for max_read_time": {
			baseURL: slow.URL(), period: oneDay, tune: func(c *guance.Config) { c.MaxReadTime = 200 * time.Millisecond },
			want: []string{": the API is too slow", "200ms over 1 attempt brought no complete answer", "max_read_time"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			summary, detail := readError(t, tc.baseURL, tc.period, tc.tune)
			message := summary + "\n" + detail
			t.Logf("%s\n\n%s", summary, detail)
			if !errorLike(tc.want...).MatchString(message) {
				t.Errorf("the message lacks, in order, %q", tc.want)
			}
			for _, fact := range append(tc.want, "GET http", "traceId", "max_attempts allows", "too slow", "The provider tried") {
				if n := strings.Count(message, fact); n > 1 {
					t.Errorf("%q is said %d times", fact, n)
				}
			}
			for _, absent := range tc.wantNot {
				if strings.Contains(message, absent) {
					t.Errorf("the message has %q", absent)
				}
			}
			seen := map[string]bool{}
			for _, s := range sentenceEnd.Split(message, -1) {
				if s = strings.TrimSpace(s); len(s) > 12 && seen[s] {
					t.Errorf("said twice: %q", s)
				}
				seen[s] = true
			}
		})
	}
}

// What a user sees of a pasted /api/v1 through Terraform: the whole URL and what to drop.
func TestAnEndpointWithTheAPIPathSaysToDropIt(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	failsWith(t, billingConfig(fmt.Sprintf(`
provider "guance" {
  endpoint     = "%s/api/v1"
  access_token = %q
}`, sim.URL(), guancesim.DefaultToken), "2024-03-01", "2024-03-01"),
		"the endpoint is not the API's base URL", "GET "+sim.URL()+"/api/v1/api/v1/billing/detail/list?endDate=20240301&startDate=20240301",
		"HTTP 404", "drop /api/v1 from endpoint")
}

// A period the API refuses says to fix the period, not to call support.
func TestAPeriodTheAPIRefusesSaysToFixThePeriod(t *testing.T) {
	t.Parallel()
	// A period the provider accepts (at most a leap year) that this API finds too long.
	sim := newSim(t, guancesim.Options{MaxPeriodDays: 31})
	failsWith(t, billingConfig(simProvider(sim), "2024-01-01", "2024-03-01"),
		"the API refused the request", "HTTP 400", "ft.ParamError", "period longer than 31 days",
		"Asking again would get the same answer", "start_date and end_date")
}

// A refused connection and an unknown host end a plan after at most two attempts, saying
// what to check: a refused connection, or a lookup that failed otherwise, is asked again once;
// a host name that does not exist is asked once. The connections are counted at the dialer,
// and the lookups failed there, so that the count does not depend on this machine's resolver.
func TestUnreachableEndpointsFailAfterAtMostTwoAttempts(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		endpoint string
		lookup   func(dials *atomic.Int32) func(ctx context.Context, network, addr string) (net.Conn, error)
		dials    int32
		phrases  []string
	}{
		"refused": {guancesim.ClosedURL(t), nil, 2, []string{"The provider tried 2 times", "Nothing accepts connections at that host and port"}},
		"unknown host": {unresolvable, func(dials *atomic.Int32) func(context.Context, string, string) (net.Conn, error) {
			return guancesim.UnresolvableDial(true, dials)
		}, 1, []string{"no such host", "The host name does not resolve"}},
		"a lookup that failed otherwise": {unresolvable, func(dials *atomic.Int32) func(context.Context, string, string) (net.Conn, error) {
			return guancesim.UnresolvableDial(false, dials)
		}, 2, []string{"server misbehaving", "The provider tried 2 times", "The host name does not resolve"}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var dials atomic.Int32
			dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
				dials.Add(1)
				var d net.Dialer
				return d.DialContext(ctx, network, addr)
			}
			if tc.lookup != nil {
				dial = tc.lookup(&dials)
			}
			counted := func(c *guance.Config) {
				fastRetries(c)
				c.Transport = &http.Transport{DialContext: dial}
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
					"guance": func() (tfprotov6.ProviderServer, error) {
						return newServer(&guanceProvider{version: "test", tuneClient: counted}), nil
					},
				},
				Steps: []resource.TestStep{{
					Config: billingConfig(fmt.Sprintf(`
provider "guance" {
  endpoint     = %q
  access_token = "any"
}`, tc.endpoint), "2024-03-01", "2024-03-01"),
					ExpectError: errorLike(append([]string{"Could not read Guance billing", "no answer"}, tc.phrases...)...),
				}},
			})
			if n := dials.Load(); n != tc.dials {
				t.Errorf("%d connections attempted, want %d", n, tc.dials)
			}
		})
	}
}

// A plan whose reads wait on the provider's own pacing says so: past half a rate window (30 s
// of a minute) a warning with the requests sent, the limit and how to read fewer; past a sixth
// of it (10 s) a line in the log at INFO. Scaled down, as the other pacing tests are.
func TestReadsHeldByThePacingWarnWhyAndHowToReadFewer(t *testing.T) {
	logs := traceLogs(t)
	planUnderTheScaledLimit(t, func(c *guance.Config) {
		fastRetries(c)
		c.RateLimit, c.RateWindow = scaledLimit, scaledWindow
	})
	log := logs()
	for _, want := range []string{
		"[INFO]  guance: A Guance read waited for the provider's rate limit",
		"Response contains warning diagnostic",
		"Guance reads waited for the rate limit",
		"this run has sent",
		"the provider sends at most 5 requests per 500ms (requests_per_minute",
		"totals_by_month",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q", want)
		}
	}
}

// Every data source reads a period through readPeriod, so a forecast or a budget whose read
// waits on the pacing warns as the details do: here a second read waits a whole window.
func TestAPeriodReadHeldByThePacingWarnsForEveryDataSource(t *testing.T) {
	t.Parallel()
	sim := newSim(t, guancesim.Options{})
	client, err := guance.New(guance.Config{BaseURL: sim.URL(), Token: guancesim.DefaultToken, RateLimit: 1, RateWindow: 400 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	data := &providerData{client: client}
	day := guance.Date{Year: 2024, Month: time.March, Day: 1}
	if _, diags := data.readPeriod(context.Background(), client, guance.Period{Start: day, End: day}); len(diags) != 0 {
		t.Fatalf("the first read: %v", diags)
	}
	next := day.AddDays(1)
	details, diags := data.readPeriod(context.Background(), client, guance.Period{Start: next, End: next})
	if details == nil || diags.HasError() || len(diags) != 1 || diags[0].Summary() != "Guance reads waited for the rate limit" {
		t.Fatalf("the second read: %v, want one warning that it waited for the rate limit", diags)
	}
}
