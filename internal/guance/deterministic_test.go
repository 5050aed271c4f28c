package guance

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// Faults that would end the same way every time are reported at once, by what they are, and
// never asked again.
func TestDeterministicFaultsFailAtOnceNamingTheFault(t *testing.T) {
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, _ = zw.Write([]byte(`{"code":200,"content":[],"errorCode":"","message":"","success":true,"traceId":"T"}`))
	_ = zw.Close()
	corrupt := append([]byte(nil), zipped.Bytes()...)
	corrupt[10] = 0x07 // the first deflate block: final, of the reserved type 3
	badChecksum := append([]byte(nil), zipped.Bytes()...)
	badChecksum[len(badChecksum)-8] ^= 0xff
	gzipped := func(body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		}
	}
	cases := map[string]struct {
		handler  http.HandlerFunc
		requests int32
		want     string
	}{
		"corrupt deflate data": {gzipped(corrupt), 1,
			"the answer's gzip-compressed body is corrupt after 0 bytes: flate: corrupt input"},
		"bad gzip checksum": {gzipped(badChecksum), 1, "is corrupt after"},
		"not gzip at all":   {gzipped([]byte("plain text, not gzip")), 1, "gzip: invalid header"},
		"a redirect to itself": {func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.RequestURI(), http.StatusFound)
		}, 1, "the API redirected in a loop: after 1 redirect it sent the request back to http://"},
		"a redirect loop of two": {func(w http.ResponseWriter, r *http.Request) {
			next := "/a"
			if r.URL.Path == "/a" {
				next = BillingDetailsPath
			}
			http.Redirect(w, r, next+"?"+r.URL.RawQuery, http.StatusFound)
		}, 2, "the API redirected in a loop: after 2 redirects"},
		"an endless chain of redirects": {func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.Path+"x?"+r.URL.RawQuery, http.StatusFound)
		}, maxRedirects, "the API redirected more than 5 times"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, calls := testClient(t, tc.handler)
			_, err := c.BillingDetails(context.Background(), march)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want one with %q", err, tc.want)
			}
			var attempts *AttemptsError
			if errors.As(err, &attempts) || calls.Load() != tc.requests {
				t.Errorf("%d requests (%v); a deterministic fault is not asked again", calls.Load(), err)
			}
			if strings.Contains(err.Error(), "no answer") {
				t.Errorf("reported as a network fault: %v", err)
			}
		})
	}
}

func TestGivingUpAfterOneAttemptSaysOneAttempt(t *testing.T) {
	c, _ := testClient(t, func(w http.ResponseWriter, _ *http.Request) {
		answer(w, 500, false, "ft.InternalError", `null`)
	}, func(cfg *Config) { cfg.MaxAttempts = 1 })
	_, err := c.BillingDetails(context.Background(), march)
	if err == nil || !strings.Contains(err.Error(), "gave up after 1 attempt (the most max_attempts allows)") {
		t.Fatalf("err %v", err)
	}
}
