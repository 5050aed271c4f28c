package guance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/guance-finops/terraform-provider-guance/internal/guancesim"
)

// The soak's shape: reads of distinct short periods (so that no read is served from the
// per-run cache), a few at a time, against a simulator that faults 30% of its answers with
// every kind of fault it knows.
const (
	soakReads     = 320
	soakReaders   = 4
	soakFaultRate = 0.3
	soakSeed      = 20240301
)

// TestFaultSoakGivesExactBillsOrClearErrors reads soakReads periods while the simulator faults
// 30% of its answers. Every read must end in exactly the simulator's records and totals, or in
// an error that names the fault; transient faults must be ridden out and each permanent one
// must end exactly one read. Run it with -v to see the tally.
func TestFaultSoakGivesExactBillsOrClearErrors(t *testing.T) {
	// Besides the faults, a fixed-window limiter refuses the first twelfth of every 400ms, as a
	// server refusing the first 5 s of each minute would.
	const window = 400 * time.Millisecond
	sim := guancesim.NewServer(guancesim.Options{RateWindow: window, FixedWindowRefusal: window / 12})
	t.Cleanup(sim.Close)
	sim.SetFaultRate(soakFaultRate, soakSeed, guancesim.AllFaults()...)
	log := &soakLog{retried: map[guancesim.FaultKind]int{}}
	// net/http silently re-sends a GET whose reused keep-alive connection dies before any
	// byte, so a connection_reset on one is never seen by the client. Half the reads go
	// through a client that opens a connection per request, where every reset is seen.
	fresh := defaultTransport().(*http.Transport).Clone()
	fresh.DisableKeepAlives = true
	clients := make([]*Client, 2)
	for i, transport := range []http.RoundTripper{nil, fresh} {
		c, err := New(Config{
			BaseURL: sim.URL(), Token: guancesim.DefaultToken, Logger: log, Transport: transport,
			// Short backoffs; no pacing, as the simulator here enforces no rate limit (pacing
			// has its own tests); a small body cap so that huge_body is refused after 4 MiB,
			// not 128 (BenchmarkHugeAnswerRefusedAtTheDefaultCap measures the default). Attempts,
			// total wait and request timeout keep their defaults.
			BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond,
			RateLimit: 10_000, RateWindow: time.Second, MaxBodyBytes: 4 << 20,
		})
		if err != nil {
			t.Fatal(err)
		}
		clients[i] = c
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()

	outcomes := make([]soakOutcome, soakReads)
	var wg sync.WaitGroup
	next := make(chan int)
	for range soakReaders {
		wg.Go(func() {
			for i := range next {
				outcomes[i] = soakRead(ctx, clients[i%2], soakPeriod(i))
			}
		})
	}
	// The clients learn the refusing phase from its first refusal and then mostly keep out of
	// it, so a run can meet it only once or twice. Starting at the beginning of a refusing
	// phase makes the clients' first requests (each a probe) meet it in every run, however
	// loaded the machine, so the check below that it was served cannot fail by chance.
	time.Sleep(time.Until(time.Now().Truncate(window).Add(window)))
	start := time.Now()
	for i := range soakReads {
		next <- i
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(start)

	tally := map[string]int{}
	ended := map[guancesim.FaultKind]int{} // reads each permanent fault ended
	for i, o := range outcomes {
		tally[o.result]++
		if o.problem != "" {
			t.Errorf("read %d (%s): %s", i+1, soakPeriod(i), o.problem)
		}
		if o.fault != "" {
			ended[o.fault]++
		}
		if o.exhaustedBy != "" {
			log.retried[o.exhaustedBy]++ // the last attempt of a read that gave up
		}
	}
	served := sim.FaultsServed()
	served[soakFixedWindow] = sim.RateLimited()
	hiddenResets := sim.Requests() - log.attempts
	if log.leaks > 0 {
		t.Errorf("%d log lines hold a piece of the token", log.leaks)
	}
	for _, kind := range append(guancesim.AllFaults(), soakFixedWindow) {
		if served[kind] == 0 {
			t.Errorf("%s was never served: the soak proves nothing about it", kind)
		}
		switch {
		case kind == guancesim.FaultSlow:
			// Answered late, not wrongly: nothing to retry and nothing to count.
		case kind == guancesim.FaultConnectionReset:
			if seen := log.retried[kind]; seen+hiddenResets != served[kind] {
				t.Errorf("%s: %d served, %d seen by the client, %d re-sent by net/http: they must add up", kind, served[kind], seen, hiddenResets)
			}
		case isTransient(kind):
			if log.retried[kind] != served[kind] {
				t.Errorf("%s: %d served but %d retried", kind, served[kind], log.retried[kind])
			}
		default:
			if ended[kind] != served[kind] {
				t.Errorf("%s: %d served but %d reads ended by it", kind, served[kind], ended[kind])
			}
		}
	}
	if tally[soakWrong] > 0 {
		t.Errorf("%d reads returned wrong or partial bills", tally[soakWrong])
	}
	t.Log(soakTally(tally, served, log, hiddenResets, sim.Requests(), elapsed))
}

// soakPeriod is the i-th read's period: one to three days, each read its own, from 2023 on.
func soakPeriod(i int) Period {
	start := Date{2023, time.January, 1}.AddDays(3 * i)
	return Period{Start: start, End: start.AddDays(i % 3)}
}

// Results of a read.
const (
	soakExact         = "exact bill"
	soakExactWarning  = "exact bill with the record outside the period, and a warning naming it"
	soakExactScrubbed = "exact bill with the key the server echoed into workspace names shown as ***"
	soakClearError    = "clear error naming a permanent fault"
	soakExhausted     = "clear error after retrying transient faults max_attempts times"
	soakWrong         = "wrong, partial or unclear"
)

type soakOutcome struct {
	result      string
	problem     string              // what was wrong, for soakWrong
	fault       guancesim.FaultKind // the permanent fault that ended the read
	exhaustedBy guancesim.FaultKind // the transient fault of the last attempt, for soakExhausted
}

func soakRead(ctx context.Context, c *Client, p Period) soakOutcome {
	d, err := c.BillingDetails(ctx, p)
	if err != nil && leakedPiece(err.Error(), guancesim.DefaultToken) != "" {
		return soakOutcome{result: soakWrong, problem: "the error holds a piece of the token: " + err.Error()}
	}
	if err != nil {
		if d != nil {
			return soakOutcome{result: soakWrong, problem: "an error came with a result: " + err.Error()}
		}
		var attempts *AttemptsError
		if errors.As(err, &attempts) {
			if kind := faultOf(attempts.Last.Error()); isTransient(kind) {
				return soakOutcome{result: soakExhausted, exhaustedBy: kind}
			}
		} else if kind := faultOf(err.Error()); kind != "" && !isTransient(kind) {
			return soakOutcome{result: soakClearError, fault: kind}
		}
		return soakOutcome{result: soakWrong, problem: "an error that names no fault: " + err.Error()}
	}
	want := guancesim.Records(guancesim.Options{}, p.Start.Time(), p.End.Time())
	result, fault := soakExact, guancesim.FaultKind("")
	if len(d.Records) > 0 && strings.HasPrefix(d.Records[0].WorkspaceName.Value(), "*** ") {
		// echo_token_in_records put the key before every workspace name: it must show as ***.
		for i := range d.Records {
			name, hidden := strings.CutPrefix(d.Records[i].WorkspaceName.Value(), "*** ")
			if !hidden || !strings.HasPrefix(d.TraceID, "tr-***-") {
				return soakOutcome{result: soakWrong, problem: fmt.Sprintf("record %d: workspaceName %q, traceId %q", i+1, d.Records[i].WorkspaceName.Value(), d.TraceID)}
			}
			d.Records[i].WorkspaceName = TextOf(name)
		}
		result, fault = soakExactScrubbed, guancesim.FaultEchoTokenInRecords
	}
	if len(d.Records) == len(want)+1 { // record_outside_period adds the next day's Log record
		day := p.End.AddDays(1)
		for _, r := range guancesim.Records(guancesim.Options{}, day.Time(), day.Time()) {
			if r.Text("productDetail") == "Log" {
				want = append(want, r)
			}
		}
		result, fault = soakExactWarning, guancesim.FaultRecordOutsidePeriod
		warning := fmt.Sprintf("billing record %d (productDetail \"Log\") is dated %s, outside the requested period %s", len(want), day, p)
		if len(d.Warnings) != 1 || !strings.Contains(d.Warnings[0], warning) {
			return soakOutcome{result: soakWrong, problem: fmt.Sprintf("warnings %q, want one with %q", d.Warnings, warning)}
		}
	} else if len(d.Warnings) != 0 {
		return soakOutcome{result: soakWrong, problem: fmt.Sprintf("unexpected warnings %q", d.Warnings)}
	}
	if problem := sameBill(d, want); problem != "" {
		return soakOutcome{result: soakWrong, problem: problem}
	}
	return soakOutcome{result: result, fault: fault}
}

// wireNames maps each BillingRecord field to the API field it comes from; Measurement comes
// from billingKey or, before 2024, tag6.
var wireNames = map[string]string{
	"Date": "consumeTimeOfDay", "ProductName": "productName", "ProductDetail": "productDetail",
	"BillingCycle": "billingCycle", "BillingResult": "billingResult", "OriginAmount": "originAmount",
	"DeductionAmount": "deductionAmount", "OweAmount": "oweAmount", "CouponAmount": "couponAmount",
	"StoredCardAmount": "storedCardAmount", "CashAmount": "cashAmount", "CloudMarketAmount": "cashCouldAmount",
	"CommodityCategory": "commodityCategory", "ConsumePlatform": "consumePlatform",
	"CustomerIdentifier": "customerIdentifier", "WorkspaceUUID": "workspaceUuid", "WorkspaceName": "workspaceName",
	"ConsumeTime": "consumeTime", "Count": "count", "Measurement": "billingKey",
}

// sameBill compares the records field by field with what the simulator served, and the totals
// with exact sums of the served amounts.
func sameBill(d *BillingDetails, want []guancesim.Record) string {
	if len(d.Records) != len(want) {
		return fmt.Sprintf("%d records, want %d", len(d.Records), len(want))
	}
	billed, origin, byProduct := decimal.Zero, decimal.Zero, map[string]decimal.Decimal{}
	for i := range want {
		got := reflect.ValueOf(d.Records[i])
		for f := range got.NumField() {
			field := got.Type().Field(f).Name
			wire, ok := wireNames[field]
			if !ok {
				return "BillingRecord." + field + " is not compared: add it to wireNames"
			}
			expected := wireValue(want[i], wire)
			if field == "Measurement" && expected == "" {
				expected = wireValue(want[i], "tag6")
			}
			if actual := valueText(got.Field(f).Interface()); actual != expected {
				return fmt.Sprintf("record %d: %s is %q, want %q", i+1, field, actual, expected)
			}
		}
		amount := decimal.RequireFromString(wireValue(want[i], "billingResult"))
		billed = billed.Add(amount)
		origin = origin.Add(decimal.RequireFromString(wireValue(want[i], "originAmount")))
		product := want[i].Text("productDetail")
		byProduct[product] = byProduct[product].Add(amount)
	}
	records := d.Select(Filter{})
	totalBilled, totalOrigin, totalByProduct := Total(records, billingResult), Total(records, originAmount), BillingResultBy(records, productDetail)
	if !totalBilled.exact().Equal(billed) || !totalOrigin.exact().Equal(origin) {
		return fmt.Sprintf("totals %s and %s, want %s and %s", totalBilled, totalOrigin, billed, origin)
	}
	for product, sum := range byProduct {
		if !totalByProduct[product].exact().Equal(sum) {
			return fmt.Sprintf("total of %s is %s, want %s", product, totalByProduct[product], sum)
		}
	}
	return ""
}

// valueText is a record's value as text, "" when null.
func valueText(v any) string {
	switch v := v.(type) {
	case Date:
		return v.String()
	case Text:
		return v.Value()
	case Decimal:
		return v.String()
	}
	return fmt.Sprintf("%v (of an unknown type %T)", v, v)
}

// wireValue is a served field as the client must read it: "None", "" and null are absent.
func wireValue(r guancesim.Record, name string) string {
	raw, ok := r.Get(name)
	if v := r.Text(name); ok && string(raw) != "null" && v != "None" {
		return v
	}
	return ""
}

// soakFixedWindow stands for the simulator's fixed-window limiter among the faults.
const soakFixedWindow guancesim.FaultKind = "fixed_window"

// faultOf names the fault an error describes, or "".
func faultOf(msg string) guancesim.FaultKind {
	for _, f := range []struct {
		phrase string
		kind   guancesim.FaultKind
	}{
		{"rate limit exceeded at the start of this window", soakFixedWindow},
		{`answered HTTP 502 with an HTML page titled "502 ***"`, guancesim.FaultEchoTokenGateway},
		{"errorCode ft.***, message \"key *** is not valid\", traceId tr-***", guancesim.FaultEchoToken},
		{`answered HTTP 400 with a body starting "bad request for key ***"`, guancesim.FaultEchoToken},
		{`an HTML page titled "Sign in ***"`, guancesim.FaultEchoToken},
		{`billingResult is "***", which is not a number`, guancesim.FaultEchoToken},
		{`"billingResult" is given twice in the object at "/content/0"`, guancesim.FaultDuplicateKeys},
		{`"success" is given twice in the envelope`, guancesim.FaultDuplicateKeys},
		{"content is null (null), expected a list of records", guancesim.FaultNullContent},
		{"the API redirected in a loop", guancesim.FaultRedirectLoop},
		{"the answer's gzip-compressed body is corrupt", guancesim.FaultCorruptGzip},
		{"errorCode ft.TriggerApiAkCurrentLimiting", guancesim.FaultRateLimitKey},
		{"errorCode ft.TriggerApiWorkspaceCurrentLimiting", guancesim.FaultRateLimitWorkspace},
		{"answered HTTP 429, errorCode ft.TooManyRequests", guancesim.FaultTooManyRequests},
		{"answered HTTP 500, errorCode ft.InternalError", guancesim.FaultServerError},
		{`answered HTTP 502 with an HTML page titled "502 Bad Gateway"`, guancesim.FaultBadGatewayHTML},
		{`answered HTTP 503 with an HTML page titled "503 Service Temporarily Unavailable"`, guancesim.FaultUnavailableHTML},
		{`answered HTTP 504 with an HTML page titled "504 Gateway Time-out"`, guancesim.FaultGatewayTimeoutHTML},
		{"the answer broke off after", guancesim.FaultTruncatedJSON},
		{": no answer: ", guancesim.FaultConnectionReset},
		{"answered HTTP 200 (envelope code 500) with success not true, errorCode ft.InternalError", guancesim.FaultSuccessFalse},
		{`content is a JSON object ({"records":[]}), expected a list of records`, guancesim.FaultContentNotList},
		{"invalid JSON", guancesim.FaultInvalidJSON},
		{`consumeTimeOfDay: "2023-02-30" is not a real calendar date`, guancesim.FaultBadRecordDate},
		{`billingResult is "12,50 CNY", which is not a number`, guancesim.FaultNonNumericAmount},
		{"the answer is larger than 4 MiB", guancesim.FaultHugeBody},
	} {
		if strings.Contains(msg, f.phrase) {
			return f.kind
		}
	}
	return ""
}

func isTransient(kind guancesim.FaultKind) bool {
	for _, k := range append(guancesim.TransientFaults(), soakFixedWindow) {
		if k == kind {
			return true
		}
	}
	return false
}

// soakLog counts the client's attempts, by fault the attempts it retried, and the lines that
// hold a piece of the token.
type soakLog struct {
	mu       sync.Mutex
	attempts int
	retried  map[guancesim.FaultKind]int
	leaks    int
}

func (l *soakLog) Debug(_ context.Context, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if leakedPiece(msg+fmt.Sprint(fields), guancesim.DefaultToken) != "" {
		l.leaks++
	}
	switch msg {
	case "Guance API request":
		l.attempts++
	case "Guance API attempt failed, retrying":
		l.retried[faultOf(fmt.Sprint(fields["error"]))]++
	}
}

func (l *soakLog) Trace(_ context.Context, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if leakedPiece(msg+fmt.Sprint(fields), guancesim.DefaultToken) != "" {
		l.leaks++
	}
}

func soakTally(tally map[string]int, served map[guancesim.FaultKind]int, log *soakLog, hiddenResets, requests int, elapsed time.Duration) string {
	var b strings.Builder
	faults := 0
	for _, n := range served {
		faults += n
	}
	fmt.Fprintf(&b, "fault soak: %d reads in %s; %d requests reached the simulator, %d of them faulted (%.0f%%)\n",
		soakReads, elapsed.Round(100*time.Millisecond), requests, faults, 100*float64(faults)/float64(requests))
	for _, r := range []string{soakExact, soakExactWarning, soakExactScrubbed, soakClearError, soakExhausted, soakWrong} {
		fmt.Fprintf(&b, "  %4d reads: %s\n", tally[r], r)
	}
	kinds := append(guancesim.AllFaults(), soakFixedWindow)
	sort.Slice(kinds, func(i, j int) bool { return served[kinds[i]] > served[kinds[j]] })
	for _, k := range kinds {
		var what string
		switch {
		case k == guancesim.FaultSlow:
			what = "answered after 2s, taken as it came"
		case k == guancesim.FaultConnectionReset:
			what = fmt.Sprintf("%d seen and retried by the client, %d re-sent silently by net/http (a reused keep-alive connection reset before any byte)",
				log.retried[k], hiddenResets)
		case isTransient(k):
			what = fmt.Sprintf("%d retried", log.retried[k])
		case k == soakFixedWindow:
			what = fmt.Sprintf("refused by the fixed-window limiter, %d retried", log.retried[k])
		case k == guancesim.FaultRecordOutsidePeriod:
			what = "kept, with a warning"
		case k == guancesim.FaultEchoTokenInRecords:
			what = "taken, the key shown as ***"
		default:
			what = "ended its read with a clear error, not retried"
		}
		fmt.Fprintf(&b, "  %4d %-22s %s\n", served[k], k, what)
	}
	return b.String()
}
