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
