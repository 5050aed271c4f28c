package guance

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// A recorded bill is a billing answer saved to a file (what GET /api/v1/billing/detail/list
// answered, byte for byte), read instead of the API: for testing a guard without the API,
// and for asking what a guard would have said of a past month. The file goes through the
// same decoder and the same refusals as an answer from the network; only the bytes come
// from disk. Nothing is sent anywhere and no token is needed.
//
// The balance is the sibling file named after the bill with ".balance" before its extension
// (march.json → march.balance.json), what GET /api/v1/billing/balance/get answered.

// RecordingError is a recorded bill that cannot serve a read: its file is missing or not a
// regular file, or it does not cover the days asked for.
type RecordingError struct {
	Path    string
	Problem string
}

func (e *RecordingError) Error() string {
	switch {
	case e == nil:
		return noDetails
	case e.Problem == "":
		return "the recorded bill " + e.Path + " cannot be used"
	}
	return "the recorded bill " + e.Path + " " + e.Problem
}

// RecordedBalancePath is where the balance recorded beside the bill at path is read from.
func RecordedBalancePath(path string) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + ".balance" + ext
}

// recordedBill reads the whole recording once per client; reads then select their days.
func (c *Client) recordedBill(ctx context.Context) (*BillingDetails, error) {
	path := c.cfg.RecordedBill
	return c.recording.read(ctx, path, func(context.Context) (*BillingDetails, error) {
		var out *BillingDetails
		traceID, err := c.readRecorded(path, func(bodySize int64) contentDecoder {
			out = &BillingDetails{Records: make([]BillingRecord, 0, recordsIn(bodySize))}
			return out.decodeRecords(c.scrub)
		})
		if err != nil {
			return nil, err
		}
		out.TraceID = traceID
		return out, nil
	})
}

// recordedBillingDetails serves a read of period from the recording: the records of its
// days, in the file's order. A period that reaches past the recording's first or last day is
// refused: the days outside it were not recorded, and counting them as 0 would pass a guard
// that the real bill fails.
func (c *Client) recordedBillingDetails(ctx context.Context, period Period) (*BillingDetails, error) {
	all, err := c.recordedBill(ctx)
	if err != nil {
		return nil, err
	}
	if len(all.Records) == 0 {
		return nil, &RecordingError{Path: c.cfg.RecordedBill, Problem: "holds no billing record, so which days it covers " +
			"is unknown; record a period with at least one billed day"}
	}
	first, last := all.Records[0].Date, all.Records[0].Date
	for i := range all.Records {
		d := all.Records[i].Date
		if d.Before(first) {
			first = d
		}
		if last.Before(d) {
			last = d
		}
	}
	if period.Start.Before(first) || last.Before(period.End) {
		return nil, &RecordingError{Path: c.cfg.RecordedBill, Problem: fmt.Sprintf("covers %s to %s (its first and "+
			"last billed days), and this read asks for %s; record a period that includes those days", first, last, period)}
	}
	out := &BillingDetails{Period: period, TraceID: all.TraceID}
	for i := range all.Records {
		if period.Contains(all.Records[i].Date) {
			out.Records = append(out.Records, all.Records[i])
		}
	}
	return out, nil
}

// recordedBalance reads the balance recorded beside the bill.
func (c *Client) recordedBalance(context.Context) (*Balance, error) {
	var out *Balance
	traceID, err := c.readRecorded(RecordedBalancePath(c.cfg.RecordedBill), func(int64) contentDecoder {
		out = &Balance{}
		return out.decode(c.scrub)
	})
	if err != nil {
		return nil, err
	}
	out.TraceID = traceID
	return out, nil
}

// readRecorded decodes a recorded answer exactly as send decodes one from the network: the
// same envelope decoder, body cap and judgement of the answer, as if it came with HTTP 200.
func (c *Client) readRecorded(path string, newContent newContentDecoder) (string, error) {
	f, size, err := openRecording(path)
	if err != nil {
		return "", err
	}
	defer func() { _ = f.Close() }()
	if size > c.cfg.MaxBodyBytes {
		return "", c.overCap("the recorded answer "+path, "", fmt.Sprintf(" (the file has %d bytes)", size))
	}
	body := &cappedReader{r: f, left: c.cfg.MaxBodyBytes, progress: func() {}}
	env, derr := decodeEnvelope(body, newContent(size), c.scrub)
	resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}}
	return env.TraceID, c.answerError("the recorded answer "+path, resp, env, derr, body)
}

// openRecording opens a regular file that is not a symbolic link: a recording comes from a
// shared directory as often as not, and a link there could point anywhere.
func openRecording(path string) (*os.File, int64, error) {
	info, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, 0, &RecordingError{Path: path, Problem: "does not exist (relative paths are from the directory Terraform runs in)"}
	case err != nil:
		return nil, 0, &RecordingError{Path: path, Problem: "cannot be read: " + err.Error()}
	case info.Mode()&fs.ModeSymlink != 0:
		return nil, 0, &RecordingError{Path: path, Problem: "is a symbolic link, which the provider does not follow; name the file itself"}
	case !info.Mode().IsRegular():
		return nil, 0, &RecordingError{Path: path, Problem: "is not a regular file"}
	}
	f, err := os.Open(path) //nolint:gosec // the user's own configuration names the file
	if err != nil {
		return nil, 0, &RecordingError{Path: path, Problem: "cannot be read: " + err.Error()}
	}
	opened, err := f.Stat()
	if err != nil || !os.SameFile(info, opened) {
		_ = f.Close()
		return nil, 0, &RecordingError{Path: path, Problem: "changed while it was opened; try again"}
	}
	return f, opened.Size(), nil
}
