package guancesim

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

const faultPeriod = "?startDate=20240301&endDate=20240302"

func normalContent(t *testing.T) []Record {
	t.Helper()
	return Records(Options{}, date(2024, 3, 1), date(2024, 3, 2))
}

func decodeRecords(t *testing.T, content json.RawMessage) []map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(content))
	dec.UseNumber()
	var recs []map[string]any
	if err := dec.Decode(&recs); err != nil {
		t.Fatalf("content: %v", err)
	}
	return recs
}

func TestFaultKindsAnswers(t *testing.T) {
	want, _ := json.Marshal(normalContent(t))
	for _, kind := range AllFaults() {
		if kind == FaultHugeBody {
			continue // see TestHugeBody
		}
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			s := newTestServer(t, Options{})
			s.InjectFault(kind, 1)
			start := time.Now()
			r, err := tryCall(context.Background(), s, PathDetailList+faultPeriod, DefaultToken)
			switch kind {
			case FaultTruncatedJSON:
				if !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("want unexpected EOF, got %v", err)
				}
				if r.status != 200 || len(r.body) == 0 || !bytes.HasPrefix(r.body, []byte(`{"code":200,"content":[{`)) {
					t.Errorf("truncated answer: %d %.60s", r.status, r.body)
				}
			case FaultConnectionReset:
				if err == nil {
					t.Fatalf("want a connection error, got HTTP %d", r.status)
				}
			case FaultCorruptGzip:
				var corrupt flate.CorruptInputError
				if !errors.As(err, &corrupt) || r.status != 200 {
					t.Fatalf("want corrupt deflate data under HTTP 200, got %d, %v", r.status, err)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
			}
			switch kind {
			case FaultRateLimitKey:
				checkError(t, r, 401, "ft.TriggerApiAkCurrentLimiting")
			case FaultRateLimitWorkspace:
				checkError(t, r, 401, "ft.TriggerApiWorkspaceCurrentLimiting")
			case FaultTooManyRequests:
				checkError(t, r, 429, "ft.TooManyRequests")
				if r.header.Get("Retry-After") != "1" {
					t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
				}
			case FaultServerError:
				checkError(t, r, 500, "ft.InternalError")
			case FaultBadGatewayHTML, FaultUnavailableHTML, FaultGatewayTimeoutHTML:
				status := map[FaultKind]int{FaultBadGatewayHTML: 502, FaultUnavailableHTML: 503, FaultGatewayTimeoutHTML: 504}[kind]
				if r.status != status || r.header.Get("Content-Type") != "text/html" ||
					!bytes.Contains(r.body, []byte("<hr><center>nginx</center>")) {
					t.Errorf("got %d %q %s", r.status, r.header.Get("Content-Type"), r.body)
				}
			case FaultSlow:
				if d := time.Since(start); d < 2*time.Second {
					t.Errorf("slow answer after %v", d)
				}
				if r.status != 200 || string(r.env.Content) != string(want) {
					t.Errorf("slow answer: %d %.100s", r.status, r.body)
				}
			case FaultEchoToken: // the first of its answers
				if r.status != 403 || bytes.Count(r.body, []byte(DefaultToken)) != 3 {
					t.Errorf("got %d %s", r.status, r.body)
				}
			case FaultEchoTokenInRecords:
				if r.status != 200 || !r.env.Success || bytes.Count(r.body, []byte(`"workspaceName":"`+DefaultToken+` `)) != 16 ||
					!strings.HasPrefix(r.env.TraceID, "tr-"+DefaultToken+"-TRACE-") {
					t.Errorf("got %d %.300s", r.status, r.body)
				}
			case FaultEchoTokenGateway:
				if r.status != 502 || !bytes.Contains(r.body, []byte("<title>502 "+DefaultToken+"</title>")) {
					t.Errorf("got %d %s", r.status, r.body)
				}
			case FaultDuplicateKeys:
				if r.status != 200 || !bytes.Contains(r.body, []byte(`{"consumeTimeOfDay":"2024-03-01",`)) ||
					!bytes.Contains(r.body, []byte(`"billingResult":"7","billingResult":"1648.52"`)) {
					t.Errorf("got %d %.300s", r.status, r.body)
				}
			case FaultNullContent:
				if r.status != 200 || !r.env.Success || string(r.env.Content) != "null" {
					t.Errorf("got %d %s", r.status, r.body)
				}
			case FaultRedirectLoop:
				if r.status != 302 || r.header.Get("Location") != PathDetailList+faultPeriod {
					t.Errorf("got %d to %q", r.status, r.header.Get("Location"))
				}
			case FaultSuccessFalse:
				if r.status != 200 || r.env.Code != 500 || r.env.Success || r.env.ErrorCode != "ft.InternalError" || r.env.Message == "" {
					t.Errorf("got %d %s", r.status, r.body)
				}
			case FaultContentNotList:
				if r.status != 200 || !r.env.Success || string(r.env.Content) != `{"records":[]}` {
					t.Errorf("got %d %s", r.status, r.body)
				}
			case FaultInvalidJSON:
				if r.status != 200 || json.Valid(r.body) || !bytes.HasPrefix(r.body, []byte(`{"code":200,"content":[`)) {
					t.Errorf("got %d %s", r.status, r.body)
				}
			case FaultBadRecordDate, FaultRecordOutsidePeriod, FaultNonNumericAmount:
				if r.status != 200 || !r.env.Success || !json.Valid(r.body) {
					t.Fatalf("got %d %.200s", r.status, r.body)
				}
				recs := decodeRecords(t, r.env.Content)
				normal := decodeRecords(t, want)
				switch kind {
				case FaultBadRecordDate:
					if recs[0]["consumeTimeOfDay"] != "2023-02-30" {
						t.Errorf("first record date %v", recs[0]["consumeTimeOfDay"])
					}
					recs[0]["consumeTimeOfDay"] = "2024-03-01"
				case FaultNonNumericAmount:
					if recs[0]["billingResult"] != "12,50 CNY" {
						t.Errorf("first billingResult %v", recs[0]["billingResult"])
					}
					recs[0]["billingResult"] = "1648.52"
				case FaultRecordOutsidePeriod:
					extra := recs[len(recs)-1]
					if len(recs) != 17 || extra["consumeTimeOfDay"] != "2024-03-03" || extra["productDetail"] != "Log" {
						t.Errorf("%d records, last %v", len(recs), extra)
					}
					recs = recs[:16]
				}
				if !reflect.DeepEqual(recs, normal) {
					t.Error("the rest of the answer is not the normal answer")
				}
			}
			if got := s.FaultsServed(); !reflect.DeepEqual(got, map[FaultKind]int{kind: 1}) {
				t.Errorf("FaultsServed %v", got)
			}
			// The fault is used up: the next answer is normal.
			if r := call(t, s, PathDetailList+faultPeriod, DefaultToken); r.status != 200 || string(r.env.Content) != string(want) {
				t.Errorf("after the fault: %d %.100s", r.status, r.body)
			}
		})
	}
}

func TestHugeBody(t *testing.T) {
	s := newTestServer(t, Options{})
	s.InjectFault(FaultHugeBody, 1)
	req, _ := http.NewRequest(http.MethodGet, s.URL()+PathDetailList+faultPeriod, nil)
	req.Header.Set("DF-API-KEY", DefaultToken)
	resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.ContentLength != -1 {
		t.Errorf("status %d, length %d", resp.StatusCode, resp.ContentLength)
	}
	head := make([]byte, 8<<20)
	n, err := io.ReadFull(resp.Body, head)
	resp.Body.Close()
	if err != nil || n != len(head) {
		t.Fatalf("read %d: %v", n, err)
	}
	prefix := []byte(`{"code":200,"content":[`)
	if !bytes.HasPrefix(head, prefix) || len(bytes.TrimLeft(head[len(prefix):], " ")) != 0 {
		t.Errorf("body starts %.40q", head)
	}
}

func TestFaultScope(t *testing.T) {
	s := newTestServer(t, Options{})
	s.InjectFault(FaultServerError, 1)
	// Not consumed by: bad key, bad dates, validate, unknown paths.
	checkError(t, call(t, s, PathDetailList+faultPeriod, "bad"), 403, "ft.InvalidAPIKey")
	checkError(t, call(t, s, list("20240302", "20240301"), DefaultToken), 400, "ft.ParamError")
	if r := call(t, s, PathValidate, DefaultToken); r.status != 200 {
		t.Errorf("validate: %d", r.status)
	}
	checkError(t, call(t, s, "/x", DefaultToken), 404, "ft.NotFound")
	// Consumed by balance/get.
	checkError(t, call(t, s, PathBalance, DefaultToken), 500, "ft.InternalError")
	if r := call(t, s, PathBalance, DefaultToken); r.status != 200 {
		t.Errorf("balance after the fault: %d", r.status)
	}
	s.InjectFault(FaultNonNumericAmount, 1)
	if r := call(t, s, PathBalance, DefaultToken); !bytes.Contains(r.env.Content, []byte(`"cashBalance":"12,50 CNY"`)) {
		t.Errorf("balance: %s", r.env.Content)
	}
	// Faults on an empty period.
	s.InjectFault(FaultBadRecordDate, 1)
	s.InjectFault(FaultRecordOutsidePeriod, 1)
	if r := call(t, s, list("20220101", "20220131"), DefaultToken); string(r.env.Content) != "[]" {
		t.Errorf("bad date on empty period: %s", r.env.Content)
	}
	if r := call(t, s, list("20220101", "20220131"), DefaultToken); len(decodeRecords(t, r.env.Content)) != 1 {
		t.Errorf("outside period on empty period: %s", r.env.Content)
	}
	defer func() {
		if recover() == nil {
			t.Error("unknown kind accepted")
		}
	}()
	s.InjectFault("nope", 1)
}

func TestFaultQueueOrder(t *testing.T) {
	s := newTestServer(t, Options{})
	s.SetFaultRate(1, 1, FaultSuccessFalse) // applies only once the queue is empty
	s.InjectFault(FaultServerError, 2)
	s.InjectFault(FaultRateLimitKey, 1)
	s.InjectFault(FaultContentNotList, 0)
	var got []int
	for i := 0; i < 4; i++ {
		got = append(got, call(t, s, PathDetailList+faultPeriod, DefaultToken).status)
	}
	if !reflect.DeepEqual(got, []int{500, 500, 401, 200}) {
		t.Errorf("statuses %v", got)
	}
	s.SetFaultRate(0, 0)
	if r := call(t, s, PathDetailList+faultPeriod, DefaultToken); !r.env.Success {
		t.Errorf("after SetFaultRate(0): %s", r.body)
	}
	want := map[FaultKind]int{FaultServerError: 2, FaultRateLimitKey: 1, FaultSuccessFalse: 1}
	if got := s.FaultsServed(); !reflect.DeepEqual(got, want) {
		t.Errorf("FaultsServed %v", got)
	}
}

func TestFaultRateDeterministic(t *testing.T) {
	sequence := func(seed int64) []string {
		s := newTestServer(t, Options{})
		s.SetFaultRate(0.5, seed, FaultServerError, FaultRateLimitWorkspace, FaultContentNotList)
		var seq []string
		for i := 0; i < 40; i++ {
			r := call(t, s, PathBalance, DefaultToken)
			seq = append(seq, r.env.ErrorCode+string(r.env.Content[:2]))
		}
		return seq
	}
	a, b, c := sequence(7), sequence(7), sequence(8)
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed, different faults")
	}
	if reflect.DeepEqual(a, c) {
		t.Error("different seeds, same faults")
	}
	faulted := 0
	for _, x := range a {
		if x != `{"` {
			faulted++
		}
	}
	if faulted < 8 || faulted > 32 {
		t.Errorf("%d of 40 faulted at rate 0.5", faulted)
	}
}

func TestFaultLists(t *testing.T) {
	if len(AllFaults()) != 24 || len(TransientFaults()) != 11 {
		t.Errorf("%d faults, %d transient", len(AllFaults()), len(TransientFaults()))
	}
	for _, k := range TransientFaults() {
		if !validFault(k) {
			t.Errorf("%s not in AllFaults", k)
		}
	}
}
