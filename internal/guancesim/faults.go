package guancesim

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// FaultKind names a way a billing request can go wrong. Faults apply to the
// billing endpoints (detail/list and balance/get) only, and only to requests
// that passed authentication, rate limiting and, for detail/list, parameter
// validation.
type FaultKind string

// The fault kinds. Envelopes are the usual Guance JSON envelope unless stated.
const (
	// FaultRateLimitKey: HTTP 401, errorCode ft.TriggerApiAkCurrentLimiting.
	FaultRateLimitKey FaultKind = "rate_limit_key"
	// FaultRateLimitWorkspace: HTTP 401, errorCode ft.TriggerApiWorkspaceCurrentLimiting.
	FaultRateLimitWorkspace FaultKind = "rate_limit_workspace"
	// FaultTooManyRequests: HTTP 429, header Retry-After: 1, errorCode ft.TooManyRequests.
	FaultTooManyRequests FaultKind = "too_many_requests"
	// FaultServerError: HTTP 500, errorCode ft.InternalError.
	FaultServerError FaultKind = "server_error"
	// FaultBadGatewayHTML: HTTP 502 with an nginx-style text/html page.
	FaultBadGatewayHTML FaultKind = "bad_gateway_html"
	// FaultUnavailableHTML: HTTP 503 with an nginx-style text/html page.
	FaultUnavailableHTML FaultKind = "unavailable_html"
	// FaultGatewayTimeoutHTML: HTTP 504 with an nginx-style text/html page.
	FaultGatewayTimeoutHTML FaultKind = "gateway_timeout_html"
	// FaultTruncatedJSON: HTTP 200 announcing the full Content-Length, but
	// only the first half of the real body is sent before the connection is
	// closed, so the client reads an unexpected EOF.
	FaultTruncatedJSON FaultKind = "truncated_json"
	// FaultConnectionReset: the connection is closed with SO_LINGER 0 (a TCP
	// reset) without any answer.
	FaultConnectionReset FaultKind = "connection_reset"
	// FaultSlow: the normal answer, sent after 2 s (or never, if the request
	// is cancelled first).
	FaultSlow FaultKind = "slow"
	// FaultSuccessFalse: HTTP 200 but envelope code 500, success false,
	// errorCode ft.InternalError and a message.
	FaultSuccessFalse FaultKind = "success_false"
	// FaultContentNotList: HTTP 200, success true, content {"records":[]}
	// (also on balance/get, where it is an object lacking the balances).
	FaultContentNotList FaultKind = "content_not_list"
	// FaultInvalidJSON: HTTP 200, body {"code":200,"content":[{] .
	FaultInvalidJSON FaultKind = "invalid_json"
	// FaultBadRecordDate: the normal answer, but the first record's
	// consumeTimeOfDay is "2023-02-30" (normal answer when there is no record
	// and on balance/get).
	FaultBadRecordDate FaultKind = "bad_record_date"
	// FaultRecordOutsidePeriod: the normal answer plus, last, one extra Log
	// record dated the day after endDate (normal answer on balance/get).
	FaultRecordOutsidePeriod FaultKind = "record_outside_period"
	// FaultNonNumericAmount: the normal answer, but the first record's
	// billingResult is "12,50 CNY" (normal answer when there is no record);
	// on balance/get the cashBalance is "12,50 CNY".
	FaultNonNumericAmount FaultKind = "non_numeric_amount"
	// FaultHugeBody: HTTP 200, chunked, a valid JSON envelope whose content
	// list is padded with more than 1 GiB of spaces, streamed lazily.
	FaultHugeBody FaultKind = "huge_body"
	// FaultEchoToken: an answer that echoes the request's DF-API-KEY into every
	// place a client might quote, in turn: HTTP 403, 400 and 200 (success
	// false) envelopes with the key in errorCode, message and traceId; a 400
	// text/plain body; an HTML page under HTTP 200 titled with it; and a
	// success answer whose first amount (billingResult, or cashBalance on
	// balance/get) is the key, which the client must quote as not a number.
	FaultEchoToken FaultKind = "echo_token"
	// FaultEchoTokenInRecords: the normal answer, but every record's
	// workspaceName starts with the key and a space, and the traceId is
	// "tr-<key>-<trace>": a success a client must take with the key hidden.
	FaultEchoTokenInRecords FaultKind = "echo_token_in_records" //nolint:gosec // a fault's name, not a credential
	// FaultEchoTokenGateway: HTTP 502 with an HTML page titled "502 <key>".
	FaultEchoTokenGateway FaultKind = "echo_token_gateway" //nolint:gosec // a fault's name, not a credential
	// FaultDuplicateKeys: the normal answer with a member given twice: the
	// first record's billingResult again as "7" (the envelope's success, first
	// false then true, when there is no record); on balance/get, cashBalance
	// again as "None".
	FaultDuplicateKeys FaultKind = "duplicate_keys"
	// FaultNullContent: HTTP 200, success true, content null.
	FaultNullContent FaultKind = "null_content"
	// FaultRedirectLoop: HTTP 302 back to the request's own URL.
	FaultRedirectLoop FaultKind = "redirect_loop"
	// FaultCorruptGzip: HTTP 200, Content-Encoding gzip, a gzip header
	// followed by deflate data that is corrupt from its first byte.
	FaultCorruptGzip FaultKind = "corrupt_gzip"
)

// slowFaultDelay is how long FaultSlow holds the answer back.
const slowFaultDelay = 2 * time.Second

// hugeBodyPadding is the amount of whitespace FaultHugeBody streams.
const hugeBodyPadding = 1<<30 + 1<<20

// AllFaults returns every fault kind.
func AllFaults() []FaultKind {
	return []FaultKind{
		FaultRateLimitKey, FaultRateLimitWorkspace, FaultTooManyRequests,
		FaultServerError, FaultBadGatewayHTML, FaultUnavailableHTML,
		FaultGatewayTimeoutHTML, FaultTruncatedJSON, FaultConnectionReset,
		FaultSlow, FaultSuccessFalse, FaultContentNotList, FaultInvalidJSON,
		FaultBadRecordDate, FaultRecordOutsidePeriod, FaultNonNumericAmount,
		FaultHugeBody, FaultEchoToken, FaultEchoTokenInRecords, FaultEchoTokenGateway, FaultDuplicateKeys,
		FaultNullContent, FaultRedirectLoop, FaultCorruptGzip,
	}
}

// TransientFaults returns the faults a client should retry: rate limits,
// 429, 500, 502 (with or without the key echoed), 503, 504, truncated bodies,
// connection resets and slow answers.
func TransientFaults() []FaultKind {
	return []FaultKind{
		FaultRateLimitKey, FaultRateLimitWorkspace, FaultTooManyRequests,
		FaultServerError, FaultBadGatewayHTML, FaultUnavailableHTML,
		FaultGatewayTimeoutHTML, FaultTruncatedJSON, FaultConnectionReset,
		FaultSlow, FaultEchoTokenGateway,
	}
}

func validFault(k FaultKind) bool {
	for _, f := range AllFaults() {
		if f == k {
			return true
		}
	}
	return false
}

// htmlPage is an nginx-style error page.
func htmlPage(status int) []byte {
	title := fmt.Sprintf("%d %s", status, http.StatusText(status))
	switch status {
	case http.StatusServiceUnavailable:
		title = "503 Service Temporarily Unavailable"
	case http.StatusGatewayTimeout:
		title = "504 Gateway Time-out"
	}
	return []byte("<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" +
		title + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
}

// serveFault answers a request that drew a fault. normal is the answer the
// request would have had otherwise (already altered for the faults that
// change the content).
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, kind FaultKind, normal answer, trace string) {
	switch kind {
	case FaultRateLimitKey:
		writeAnswer(w, rateLimitAnswer(trace))
	case FaultRateLimitWorkspace:
		writeAnswer(w, errorAnswer(http.StatusUnauthorized, http.StatusUnauthorized,
			"ft.TriggerApiWorkspaceCurrentLimiting", "Workspace request rate limit exceeded, please try again later", trace))
	case FaultTooManyRequests:
		a := errorAnswer(http.StatusTooManyRequests, http.StatusTooManyRequests, "ft.TooManyRequests", "Too Many Requests", trace)
		a.retryAfter = "1"
		writeAnswer(w, a)
	case FaultServerError:
		writeAnswer(w, errorAnswer(http.StatusInternalServerError, http.StatusInternalServerError,
			"ft.InternalError", "Internal Server Error", trace))
	case FaultBadGatewayHTML, FaultUnavailableHTML, FaultGatewayTimeoutHTML:
		status := map[FaultKind]int{
			FaultBadGatewayHTML:     http.StatusBadGateway,
			FaultUnavailableHTML:    http.StatusServiceUnavailable,
			FaultGatewayTimeoutHTML: http.StatusGatewayTimeout,
		}[kind]
		writeAnswer(w, answer{status: status, contentType: "text/html", parts: [][]byte{htmlPage(status)}})
	case FaultTruncatedJSON:
		s.serveTruncated(w, normal)
	case FaultConnectionReset:
		serveReset(w)
	case FaultSlow:
		if !s.sleep(r.Context(), slowFaultDelay) {
			abort()
		}
		writeAnswer(w, normal)
	case FaultSuccessFalse:
		writeAnswer(w, errorAnswer(http.StatusOK, http.StatusInternalServerError,
			"ft.InternalError", "Internal error, please try again later", trace))
	case FaultInvalidJSON:
		writeAnswer(w, answer{status: http.StatusOK, parts: [][]byte{[]byte(`{"code":200,"content":[{]`)}})
	case FaultHugeBody:
		s.serveHuge(r.Context(), w, trace)
	case FaultEchoToken:
		writeAnswer(w, s.echoAnswer(r, normal))
	case FaultEchoTokenInRecords:
		key := r.Header.Get("DF-API-KEY")
		parts := make([][]byte, len(normal.parts))
		for i, p := range normal.parts {
			parts[i] = bytes.ReplaceAll(p, []byte(`"workspaceName":"`), []byte(`"workspaceName":"`+key+` `))
		}
		parts[len(parts)-1] = okSuffix("tr-" + key + "-" + trace)
		normal.parts = parts
		writeAnswer(w, normal)
	case FaultEchoTokenGateway:
		key := r.Header.Get("DF-API-KEY")
		writeAnswer(w, answer{status: http.StatusBadGateway, contentType: "text/html", parts: [][]byte{
			[]byte("<html><head><title>502 " + key + "</title></head><body>upstream " + key + "</body></html>")}})
	case FaultNullContent:
		writeAnswer(w, okAnswer(trace, []byte("null")))
	case FaultRedirectLoop:
		w.Header().Set("Location", r.URL.RequestURI())
		w.WriteHeader(http.StatusFound)
	case FaultCorruptGzip:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(http.StatusOK)
		// A gzip header, then a deflate block of the reserved type 3: corrupt from its first byte.
		_, _ = w.Write([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 0x07, 0x00, 0x00})
	default: // content faults: normal already carries them
		writeAnswer(w, normal)
	}
}

// echoAnswer is the next of FaultEchoToken's answers, each quoting the request's key.
func (s *Server) echoAnswer(r *http.Request, normal answer) answer {
	key := r.Header.Get("DF-API-KEY")
	envelope := func(status, code int) answer {
		return errorAnswer(status, code, "ft."+key, "key "+key+" is not valid", "tr-"+key)
	}
	switch s.echoSeq.Add(1) % 6 {
	case 1:
		return envelope(http.StatusForbidden, http.StatusForbidden)
	case 2:
		return envelope(http.StatusBadRequest, http.StatusBadRequest)
	case 3:
		return envelope(http.StatusOK, http.StatusBadRequest)
	case 4:
		return answer{status: http.StatusBadRequest, contentType: "text/plain", parts: [][]byte{[]byte("bad request for key " + key)}}
	case 5:
		return answer{status: http.StatusOK, contentType: "text/html", parts: [][]byte{
			[]byte("<html><head><title>Sign in " + key + "</title></head></html>")}}
	}
	body := bytes.Join(normal.parts, nil)
	for _, field := range []string{`"billingResult":`, `"cashBalance":`} {
		if i := bytes.Index(body, []byte(field)); i >= 0 {
			i += len(field)
			j := i + bytes.IndexAny(body[i:], ",}")
			return answer{status: http.StatusOK, parts: [][]byte{body[:i], []byte(strconv.Quote(key)), body[j:]}}
		}
	}
	return envelope(http.StatusForbidden, http.StatusForbidden) // no record to put it in
}

// serveTruncated sends the header of a complete answer and half its body,
// then closes the connection.
func (s *Server) serveTruncated(w http.ResponseWriter, a answer) {
	total := a.size()
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Cannot hijack (e.g. HTTP/2): send half and abort the stream.
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(total))
		w.WriteHeader(a.status)
		writeParts(w, a.parts, total/2)
		_ = http.NewResponseController(w).Flush()
		abort()
	}
	defer conn.Close()
	fmt.Fprintf(brw, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
		a.status, http.StatusText(a.status), total)
	writeParts(brw, a.parts, total/2)
	_ = brw.Flush()
}

// serveReset closes the connection without answering, with a TCP reset if
// possible.
func serveReset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		abort()
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

var padding = bytes.Repeat([]byte{' '}, 64<<10)

// serveHuge streams a valid but enormous answer until it is complete or the
// client goes away.
func (s *Server) serveHuge(ctx context.Context, w http.ResponseWriter, trace string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	if _, err := io.WriteString(w, `{"code":200,"content":[`); err != nil {
		return
	}
	for sent := 0; sent < hugeBodyPadding; sent += len(padding) {
		select {
		case <-ctx.Done():
			return
		case <-s.done:
			abort() // do not end the chunked body cleanly
		default:
		}
		if _, err := w.Write(padding); err != nil {
			return
		}
	}
	_, _ = io.WriteString(w, `]`)
	_, _ = w.Write(okSuffix(trace))
}

// writeParts writes the parts, stopping after limit bytes.
func writeParts(w io.Writer, parts [][]byte, limit int) {
	for _, p := range parts {
		if limit <= 0 {
			return
		}
		if len(p) > limit {
			p = p[:limit]
		}
		if _, err := w.Write(p); err != nil {
			return
		}
		limit -= len(p)
	}
}
