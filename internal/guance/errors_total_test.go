package guance

import (
	"errors"
	"fmt"
	"testing"
)

// Every error type's text is total: a zero value, nil fields and a nil pointer each give a
// text, and errors.Is and errors.As walk through them, without a panic. An error reaching
// Terraform is always read as text, and a panic there is a plugin crash.
func TestEveryErrorsTextIsTotal(t *testing.T) {
	t.Parallel()
	cases := map[string]error{
		"APIError zero":                     &APIError{},
		"APIError nil":                      (*APIError)(nil),
		"DecodeError zero":                  &DecodeError{},
		"DecodeError nil":                   (*DecodeError)(nil),
		"AttemptsError zero":                &AttemptsError{},
		"AttemptsError nil":                 (*AttemptsError)(nil),
		"AttemptsError with a nil Last":     &AttemptsError{Attempts: 2, Reason: "r"},
		"AttemptsError with a nil APIError": &AttemptsError{Last: (*APIError)(nil)},
		"TooSlowError zero":                 &TooSlowError{},
		"TooSlowError nil":                  (*TooSlowError)(nil),
		"TooSlowError with a nil transport": &TooSlowError{Last: (*transportError)(nil)},
		"TooSlowError with a nil decode":    &TooSlowError{Last: (*DecodeError)(nil)},
		"HeldByOtherProcessError zero":      &HeldByOtherProcessError{},
		"HeldByOtherProcessError nil":       (*HeldByOtherProcessError)(nil),
		"RedirectError zero":                &RedirectError{},
		"RedirectError nil":                 (*RedirectError)(nil),
		"RedirectError unknown problem":     &RedirectError{Problem: RedirectProblem(99)},
		"transportError zero":               &transportError{},
		"transportError nil":                (*transportError)(nil),
		"contentError zero":                 &contentError{},
		"contentError nil":                  (*contentError)(nil),
		"gateBudgetError zero":              &gateBudgetError{},
		"RecordingError zero":               &RecordingError{},
		"RecordingError nil":                (*RecordingError)(nil),
		"wrapped nil AttemptsError":         fmt.Errorf("read: %w", (*AttemptsError)(nil)),
	}
	for name, err := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if err.Error() == "" {
				t.Error("an empty text")
			}
			var api *APIError
			var decode *DecodeError
			var slow *TooSlowError
			_ = errors.As(err, &api)
			_ = errors.As(err, &decode)
			_ = errors.As(err, &slow)
			_ = errors.Is(err, errReadTime)
			if api != nil {
				_ = api.WithoutTraceID()
			}
			if decode != nil {
				_ = decode.WithoutTraceID()
			}
			if slow != nil && slow.LastOutcome() == "" {
				t.Error("an empty last outcome")
			}
			_ = NoAnswerCause(err)
			_, _ = retryAfter(err)
		})
	}
}
