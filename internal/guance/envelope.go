package guance

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// envelope is the frame of every Guance answer. content is decoded on the fly by the
// endpoint's own decoder so that a large answer is never held whole.
type envelope struct {
	Code      int
	CodeText  string // code as sent, "" when missing
	ErrorCode string
	Message   string
	Success   bool
	// SuccessNotBoolean describes a success that is not a JSON boolean ("true", 1, null), ""
	// when it is one or missing.
	SuccessNotBoolean string
	TraceID           string
	// contentErr is set when content was not what the endpoint expects; it is reported only
	// when the envelope itself says success, since failures often carry odd content.
	contentErr error
}

// contentDecoder reads the content value from dec, positioned at its first token.
type contentDecoder func(dec *jsontext.Decoder) error

// errNotEnvelope means the body did not start as a JSON object.
var errNotEnvelope = errors.New("the body is not a JSON object")

// newJSONDecoder is a streaming, validating JSON reader. It refuses a member name given twice
// in one object, anywhere in the answer: which of two amounts, or of two success flags, to
// believe is a guess. It takes invalid UTF-8 as encoding/json does, rather than refusing the
// whole answer for it.
func newJSONDecoder(r io.Reader) *jsontext.Decoder {
	return jsontext.NewDecoder(r, jsontext.AllowInvalidUTF8(true))
}

// duplicateName describes an answer refused for a member name given twice, or "".
func duplicateName(err error) string {
	var syn *jsontext.SyntacticError
	if !errors.Is(err, jsontext.ErrDuplicateName) || !errors.As(err, &syn) {
		return ""
	}
	where := "the envelope"
	if parent := syn.JSONPointer.Parent(); parent != "" {
		where = fmt.Sprintf("the object at %q", parent)
	}
	return fmt.Sprintf("%q is given twice in %s; which value to believe would be a guess", syn.JSONPointer.LastToken(), where)
}

// decodeEnvelope streams an answer: the envelope fields, scrubbed of the token, and, through
// content, the payload.
func decodeEnvelope(r io.Reader, content contentDecoder, scrub *scrubber) (envelope, error) {
	var env envelope
	dec := newJSONDecoder(r)
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		if err != nil && !isSyntaxError(err) {
			return env, err
		}
		return env, errNotEnvelope
	}
	seenContent := false
	for dec.PeekKind() != '}' {
		key, err := dec.ReadToken()
		if err != nil {
			return env, err
		}
		name := key.String()
		switch name {
		case "content": // given once: the decoder refuses a name given twice
			seenContent = true
			err = content(dec)
			if err != nil && isContentError(err) {
				env.contentErr, err = err, nil
			}
		case "code":
			if env.CodeText, err = readLooseString(dec); err == nil {
				env.CodeText = scrub.String(env.CodeText)
				env.Code, _ = strconv.Atoi(env.CodeText)
			}
		case "errorCode":
			env.ErrorCode, err = readLooseString(dec)
			env.ErrorCode = scrub.String(env.ErrorCode)
		case "message":
			env.Message, err = readLooseString(dec)
			env.Message = scrub.String(env.Message)
		case "traceId":
			env.TraceID, err = readLooseString(dec)
			env.TraceID = scrub.String(env.TraceID)
		case "success":
			var v jsontext.Value
			if v, err = dec.ReadValue(); err == nil {
				env.Success = v.Kind() == 't'
				if v.Kind() != 't' && v.Kind() != 'f' {
					env.SuccessNotBoolean = scrub.String(describeJSON(v))
				}
			}
		default:
			err = dec.SkipValue()
		}
		if err != nil {
			return env, fmt.Errorf("%s: %w", name, err)
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return env, err
	}
	// Anything after the envelope means the body is not what it claims to be.
	if _, err := dec.ReadValue(); !errors.Is(err, io.EOF) {
		return env, errors.New("unexpected data after the answer")
	}
	if !seenContent {
		env.contentErr = &contentError{"the answer has no content at all"}
	}
	return env, nil
}

// readLooseString takes a string, or anything else as its JSON text (the API's docs call
// traceId a Boolean; it is a string, but a client should not fail on either). null is "".
func readLooseString(dec *jsontext.Decoder) (string, error) {
	v, err := dec.ReadValue()
	if err != nil {
		return "", err
	}
	switch v.Kind() {
	case 'n':
		return "", nil
	case '"':
		return unquote(v)
	}
	return string(v), nil
}

// unquote turns a raw JSON string into its text; invalid UTF-8 becomes U+FFFD, as
// encoding/json does, so that Terraform is never handed a broken string.
func unquote(raw []byte) (string, error) {
	if !hasEscape(raw) {
		return validUTF8(raw[1 : len(raw)-1]), nil
	}
	b, err := jsontext.AppendUnquote(nil, raw)
	return validUTF8(b), err
}

func hasEscape(raw []byte) bool {
	for _, c := range raw {
		if c == '\\' {
			return true
		}
	}
	return false
}

func validUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return string([]rune(string(b)))
}

// contentError says content was valid JSON that cannot be used: the wrong kind of value, or a
// record that breaks its field's rules. The rest of the answer is still read, because an
// envelope that says it failed explains more than its content.
type contentError struct{ msg string }

func (e *contentError) Error() string {
	if e == nil || e.msg == "" {
		return noDetails
	}
	return e.msg
}

func isContentError(err error) bool {
	var c *contentError
	return errors.As(err, &c)
}

// decodeList reads content as a JSON array, calling item for each element. Any other JSON
// value, null included, is skipped and reported as a content error, and so is the first
// content error an item returns (the elements after it are skipped). null is not taken for
// an empty list: the API's reference shows none, and a total of 0 from an answer that says
// nothing would let a cost guard pass on no data.
func decodeList(dec *jsontext.Decoder, item func(dec *jsontext.Decoder) error) error {
	if dec.PeekKind() != '[' {
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		return &contentError{fmt.Sprintf("content is %s, expected a list of records (an empty period is [])", describeJSON(v))}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	var first error
	for dec.PeekKind() != ']' {
		if first != nil {
			if err := dec.SkipValue(); err != nil {
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
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	return first
}

// decodeObject reads content as a JSON object, calling member with each name and the decoder
// at its value, which member must consume; member returns only errors of reading, and its
// caller judges the values after. Any other JSON value (null included) is skipped and
// reported as a content error that says what was expected.
func decodeObject(dec *jsontext.Decoder, expected string, member func(name string, dec *jsontext.Decoder) error) error {
	if dec.PeekKind() != '{' {
		v, err := dec.ReadValue()
		if err != nil {
			return err
		}
		return &contentError{fmt.Sprintf("content is %s, expected %s", describeJSON(v), expected)}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			return err
		}
		if err := member(name.String(), dec); err != nil {
			return err
		}
	}
	_, err := dec.ReadToken()
	return err
}

// describeJSON names a JSON value's kind and shows its start, for messages.
func describeJSON(v jsontext.Value) string {
	kinds := map[jsontext.Kind]string{'{': "a JSON object", '[': "a JSON array", '"': "a string", '0': "a number", 't': "a boolean", 'f': "a boolean", 'n': "null"}
	return fmt.Sprintf("%s (%s)", kinds[v.Kind()], truncate(string(v), 40))
}

func isSyntaxError(err error) bool {
	var syn *jsontext.SyntacticError
	return errors.As(err, &syn)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
