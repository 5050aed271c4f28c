package guance

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestBillingBalanceTakesNumbersNumericStringsAndNone(t *testing.T) {
	cases := map[string]struct {
		content                         string
		cash, coupon, storedCard, total string // "" is null
	}{
		"numbers as sent": {
			`{"cashBalance":12873.40,"couponBalance":500,"storedCardBalance":2000.5,"declaration":{"currency":"CNY","note":[1,{"a":null}]}}`,
			"12873.40", "500", "2000.5", "15373.9",
		},
		"numeric strings": {
			`{"cashBalance":"0.1","couponBalance":"0.2","storedCardBalance":"-0.3"}`,
			"0.1", "0.2", "-0.3", "0",
		},
		"None, null, empty and missing are null and count 0": {
			`{"cashBalance":"0.10","couponBalance":"None","storedCardBalance":null,"declaration":"None"}`,
			"0.10", "", "", "0.1",
		},
		"empty string and a missing field": {
			`{"declaration":{},"couponBalance":"","cashBalance":1e3}`,
			"1e3", "", "", "1000",
		},
		"all None": {
			`{"cashBalance":"None","couponBalance":"None","storedCardBalance":"None"}`,
			"", "", "", "0",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c, _ := testClient(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != BalancePath || r.URL.RawQuery != "" || r.Header.Get(TokenHeader) != testToken {
					t.Errorf("request %s %s", r.URL, r.Header)
				}
				answer(w, 200, true, "", tc.content)
			})
			b, err := c.BillingBalance(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for field, got := range map[string][2]string{
				"cashBalance": {b.Cash.String(), tc.cash}, "couponBalance": {b.Coupon.String(), tc.coupon},
				"storedCardBalance": {b.StoredCard.String(), tc.storedCard}, "total": {b.Total().String(), tc.total},
			} {
				if got[0] != got[1] {
					t.Errorf("%s = %q, want %q", field, got[0], got[1])
				}
			}
			if b.TraceID != "TRACE-TEST-200" {
				t.Errorf("trace %q", b.TraceID)
			}
		})
	}
}

func TestBillingBalanceRefusesWhatIsNotABalance(t *testing.T) {
	cases := map[string]struct {
		status  int
		success bool
		content string
		want    []string
	}{
		"non-numeric balance names field and value": {200, true,
			`{"cashBalance":1,"couponBalance":"12,50 CNY","storedCardBalance":"x"}`,
			[]string{BalancePath, `couponBalance is "12,50 CNY", which is not a number`, "TRACE-TEST-200"}},
		"a boolean balance": {200, true, `{"storedCardBalance":true}`,
			[]string{`storedCardBalance is "true", which is not a number`}},
		"an object balance": {200, true, `{"cashBalance":{"amount":1}}`,
			[]string{`cashBalance is "{\"amount\":1}", which is not a number`}},
		"a list, not an object": {200, true, `[{"cashBalance":1}]`,
			[]string{"content is a JSON array", "expected an object with cashBalance, couponBalance, storedCardBalance"}},
		"null content": {200, true, `null`,
			[]string{"content is null", "expected an object with cashBalance"}},
		"a balance given twice": {200, true, `{"cashBalance":"5","couponBalance":0,"cashBalance":"None"}`,
			[]string{`"cashBalance" is given twice in the object at "/content"`}},
		"an object without balances": {200, true, `{"records":[]}`,
			[]string{"content has none of cashBalance, couponBalance, storedCardBalance; it is not a balance"}},
		"success false under HTTP 200": {200, false, `{"cashBalance":1}`,
			[]string{"HTTP 200", "ft.Failed", "TRACE-TEST-200"}},
		"a rejected token": {403, false, `null`,
			[]string{"HTTP 403", errorCodeInvalidAPIKey, "TRACE-TEST-403"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			errorCode := ""
			switch {
			case tc.status == 403:
				errorCode = errorCodeInvalidAPIKey
			case !tc.success:
				errorCode = "ft.Failed"
			}
			c, calls := testClient(t, func(w http.ResponseWriter, _ *http.Request) {
				answer(w, tc.status, tc.success, errorCode, tc.content)
			})
			b, err := c.BillingBalance(context.Background())
			if err == nil {
				t.Fatalf("got %+v, want an error", b)
			}
			if b != nil {
				t.Error("an error must come with no balance")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if calls.Load() != 1 {
				t.Errorf("%d requests; a permanent failure is not retried", calls.Load())
			}
		})
	}
}

func TestBillingBalanceRidesOutTransientFaultsAndIsNotKeptWhenItFails(t *testing.T) {
	var mu sync.Mutex
	served := 0
	c, calls := testClient(t, func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		served++
		n := served
		mu.Unlock()
		switch n {
		case 1:
			answer(w, 401, false, errorCodeKeyRateLimit, `null`)
		case 2:
			answer(w, 502, false, "", `null`)
		case 3: // a failure the client gives up on at once
			answer(w, 200, true, "", `{"cashBalance":"12,50 CNY"}`)
		default:
			answer(w, 200, true, "", `{"cashBalance":"12873.40"}`)
		}
	})
	if _, err := c.BillingBalance(context.Background()); err == nil || calls.Load() != 3 {
		t.Fatalf("err %v after %d requests; want the third answer's error", err, calls.Load())
	}
	b, err := c.BillingBalance(context.Background())
	if err != nil || b.Cash.String() != "12873.40" || calls.Load() != 4 {
		t.Fatalf("balance %v, err %v, %d requests: a failed read must not be kept", b, err, calls.Load())
	}
}

// One plan sees one balance, read once, however many data sources ask and however they overlap.
func TestBillingBalanceReadsShareOneRequest(t *testing.T) {
	c, calls := testClient(t, func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(50 * time.Millisecond)
		answer(w, 200, true, "", `{"cashBalance":1,"couponBalance":2,"storedCardBalance":3}`)
	})
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			if _, err := c.BillingBalance(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	b, err := c.BillingBalance(context.Background())
	if err != nil || b.Total().String() != "6" {
		t.Fatalf("balance %v, err %v", b, err)
	}
	if calls.Load() != 1 {
		t.Errorf("%d requests for one balance", calls.Load())
	}
}
