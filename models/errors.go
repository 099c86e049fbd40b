package models

import (
	"errors"
	"fmt"
)

// Sentinel errors returned by the store; handlers map them to HTTP once.
var (
	ErrNotFound = errors.New("models: not found")
	ErrConflict = errors.New("models: conflict")
	ErrInvalid  = errors.New("models: invalid")
)

// invalidf wraps ErrInvalid with a message meant for the user.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// conflictf wraps ErrConflict with a message meant for the user.
func conflictf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrConflict, fmt.Sprintf(format, args...))
}

// notFound wraps ErrNotFound naming what was missing.
func notFound(what string) error {
	return fmt.Errorf("%w: %s", ErrNotFound, what)
}

// FieldError is a validation error (ErrInvalid or ErrConflict) about one
// input field, named as the API spells it ("email"), so that a form can
// show the message under that field. Its message is the wrapped error's.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Err.Error() }

// Unwrap makes a FieldError match its sentinel with errors.Is.
func (e *FieldError) Unwrap() error { return e.Err }

// withField names the field err is about; nil stays nil, and an error
// already naming its field keeps it.
func withField(field string, err error) error {
	var fe *FieldError
	if err == nil || errors.As(err, &fe) {
		return err
	}
	return &FieldError{Field: field, Err: err}
}

// wrapErr names the store operation an error came from
// ("models: get affiliate: ..."), keeping its sentinel matchable with
// errors.Is and errors.As; nil stays nil.
func wrapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("models: %s: %w", op, err)
}
