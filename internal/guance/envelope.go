package guance

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// envelope is the frame of every Guance answer. content is decoded on the fly by the
// endpoint's own decoder so that a large answer is never held twice.
type envelope struct {
	Code      int
	ErrorCode string
	Message   string
	Success   bool
	TraceID   string
	// contentErr is set when content was not what the endpoint expects; it is reported only
	// when the envelope itself says success, since failures often carry odd content.
	contentErr error
}

// contentDecoder reads the content value from dec, positioned at its first token.
type contentDecoder func(dec *json.Decoder) error

// errNotEnvelope means the body did not start as a JSON object.
var errNotEnvelope = errors.New("the body is not a JSON object")

// decodeEnvelope streams an answer: the envelope fields and, through content, the payload.
func decodeEnvelope(r io.Reader, content contentDecoder) (envelope, error) {
	var env envelope
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		if err != nil && !isSyntaxError(err) {
			return env, err
		}
		return env, errNotEnvelope
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return env, err
		}
		key, _ := tok.(string)
		switch key {
		case "content":
			if err := content(dec); err != nil {
				if !isContentError(err) {
					return env, err
				}
				env.contentErr = err
			}
		case "code":
			var n json.Number
			if err := dec.Decode(&n); err != nil {
				return env, fmt.Errorf("code: %w", err)
			}
			code, _ := n.Int64()
			env.Code = int(code)
		case "errorCode":
			err = decodeLooseString(dec, &env.ErrorCode)
		case "message":
			err = decodeLooseString(dec, &env.Message)
		case "traceId":
			err = decodeLooseString(dec, &env.TraceID)
		case "success":
			var v any
			if err = dec.Decode(&v); err == nil {
				env.Success = v == true
			}
		default:
			err = dec.Decode(&json.RawMessage{})
		}
		if err != nil {
			return env, fmt.Errorf("%s: %w", key, err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return env, err
	}
	// Anything after the envelope means the body is not what it claims to be.
	if _, err := dec.Token(); err != io.EOF {
		return env, errors.New("unexpected data after the answer")
	}
	return env, nil
}

// decodeLooseString takes a string, or anything else as its JSON text (the API's docs call
// traceId a Boolean; it is a string, but a client should not fail on either).
func decodeLooseString(dec *json.Decoder, into *string) error {
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	if err := json.Unmarshal(raw, into); err != nil {
		*into = string(raw)
	}
	if *into == "null" {
		*into = ""
	}
	return nil
}

// contentError says content was valid JSON that cannot be used: the wrong kind of value, or a
// record that breaks its field's rules. The rest of the answer is still read, because an
// envelope that says it failed explains more than its content.
type contentError struct{ msg string }

func (e *contentError) Error() string { return e.msg }

func isContentError(err error) bool {
	var c *contentError
	return errors.As(err, &c)
}

// decodeList reads content as a JSON array, calling item for each element; null is taken as
// an empty list. Any other JSON value is skipped and reported as a content error, and so is
// the first content error an item returns (the elements after it are skipped).
func decodeList(dec *json.Decoder, item func(dec *json.Decoder) error) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case nil:
		return nil
	case json.Delim('['):
		var first error
		for dec.More() {
			if first != nil {
				if err := dec.Decode(&json.RawMessage{}); err != nil {
					return err
				}
				continue
			}
			if err := item(dec); err != nil {
				if !isContentError(err) {
					return err
				}
				first = err
			}
		}
		if _, err := dec.Token(); err != nil {
			return err
		}
		return first
	case json.Delim('{'):
		if err := skipRest(dec); err != nil {
			return err
		}
		return &contentError{"content is a JSON object, expected a list of records"}
	default:
		return &contentError{fmt.Sprintf("content is %T %v, expected a list of records", tok, tok)}
	}
}

// skipRest consumes the remainder of an object or array whose opening token was read.
func skipRest(dec *json.Decoder) error {
	for depth := 1; depth > 0; {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

func isSyntaxError(err error) bool {
	var syn *json.SyntaxError
	return errors.As(err, &syn)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
