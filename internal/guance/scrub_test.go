package guance

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// leakedPiece returns the first piece of token of minLeak bytes or more found in text, or "".
func leakedPiece(text, token string) string {
	for i := 0; i+minLeak <= len(token); i++ {
		if piece := token[i : i+minLeak]; strings.Contains(text, piece) {
			return piece
		}
	}
	return ""
}

func TestTheScrubberHidesTheTokenAndEveryLongPieceOfIt(t *testing.T) {
	const token = "0123456789abcdefghij"
	s := newScrubber(token)
	for in, want := range map[string]string{
		"key " + token + " is not valid":       "key *** is not valid",
		"tr-" + token[3:11]:                    "tr-***",            // 8 bytes of it
		"tr-" + token[3:10]:                    "tr-" + token[3:10], // 7 bytes: too short to matter
		token[:12] + "|" + token[5:] + "x":     "***|***x",
		"plain message without it":             "plain message without it",
		strings.Repeat(token[:9], 3):           "***" + "***" + "***",
		"<title>502 " + token[2:] + "</title>": "<title>502 ***</title>",
	} {
		if got := s.String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
		if piece := leakedPiece(s.String(in), token); piece != "" {
			t.Errorf("String(%q) still holds %q", in, piece)
		}
	}
	if got := newScrubber("short").String("a short key"); got != "a *** key" {
		t.Errorf("a token under 8 bytes is still hidden whole: got %q", got)
	}
}

// A server that echoes the key into every place a message can quote gets it printed nowhere:
// not in the error, whichever part of the answer carried it, nor in the records.
func TestTheTokenEchoedByTheServerIsScrubbedEverywhere(t *testing.T) {
	echo := func(status int, contentType, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", contentType)
			w.WriteHeader(status)
			_, _ = w.Write([]byte(strings.ReplaceAll(body, "KEY", testToken)))
		}
	}
	const envelope = `{"code":%d,"content":null,"errorCode":"ft.KEY","message":"key KEY is not valid","success":false,"traceId":"tr-KEY"}`
	cases := map[string]http.HandlerFunc{
		"403 envelope":          echo(403, "application/json", strings.Replace(envelope, "%d", "403", 1)),
		"400 errorCode":         echo(400, "application/json", strings.Replace(envelope, "%d", "400", 1)),
		"200 success false":     echo(200, "application/json", strings.Replace(envelope, "%d", "200", 1)),
		"502 HTML title":        echo(502, "text/html", `<html><head><title>502 KEY</title></head></html>`),
		"text body":             echo(400, "text/plain", `bad key KEY`),
		"HTML under 200":        echo(200, "text/html", `<html><head><title>login KEY</title></head></html>`),
		"record value quoted":   echo(200, "application/json", `{"code":200,"content":[{"consumeTimeOfDay":"2024-03-01","productDetail":"KEY","billingResult":"KEY"}],"errorCode":"","message":"","success":true,"traceId":"tr-KEY"}`),
		"content quoted":        echo(200, "application/json", `{"code":200,"content":"KEY","errorCode":"","message":"","success":true,"traceId":"tr-KEY"}`),
		"member name in syntax": echo(200, "application/json", `{"code":200,"content":[{"KEY":1,"KEY":2}]}`),
		"redirect location": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, r.URL.Path+"?key="+testToken, http.StatusFound)
		},
		// Go's transport error quotes a malformed status line: the text of an answer that never
		// was one, retried, so in the DEBUG log of the retry as well as in the error.
		"status line": func(w http.ResponseWriter, _ *http.Request) {
			conn, buf, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			defer func() { _ = conn.Close() }()
			_, _ = buf.WriteString("HTTP/1.1 2" + testToken + " OK\r\nContent-Length: 0\r\n\r\n")
			_ = buf.Flush()
		},
	}
	for name, handler := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			logger := &recordingLogger{}
			c, _ := testClient(t, handler, func(cfg *Config) { cfg.MaxAttempts, cfg.Logger = 2, logger })
			_, err := c.BillingDetails(context.Background(), march)
			if err == nil {
				t.Fatal("the read succeeded")
			}
			if piece := leakedPiece(err.Error(), testToken); piece != "" {
				t.Errorf("the error holds %q of the token: %v", piece, err)
			}
			if !strings.Contains(err.Error(), "***") {
				t.Errorf("the error does not show where the token was: %v", err)
			}
			if piece := leakedPiece(logger.String(), testToken); piece != "" {
				t.Errorf("the log holds %q of the token:\n%s", piece, logger)
			}
		})
	}
	t.Run("records", func(t *testing.T) {
		t.Parallel()
		c, _ := testClient(t, echo(200, "application/json", `{"code":200,"content":[{"consumeTimeOfDay":"2024-03-01","productDetail":"Log","workspaceName":"ws KEY","workspaceUuid":"KEY"}],"errorCode":"","message":"","success":true,"traceId":"tr-KEY"}`))
		d, err := c.BillingDetails(context.Background(), march)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Records[0].WorkspaceName.Value() + " " + d.Records[0].WorkspaceUUID.Value() + " " + d.TraceID; got != "ws *** *** tr-***" {
			t.Errorf("record texts and traceId %q, want the token scrubbed", got)
		}
	})
}
