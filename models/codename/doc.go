// Package codename is the naming-rule language of generated discount
// codes: a template such as "SUMMER-{FIRST}{DISCOUNT}" or
// "{NAME}{RANDOM4}" is parsed into parts (Parse), then rendered for one
// affiliate's name and discount (Render, Text). A rendered code is
// uppercase ASCII letters and digits, with the - and _ of the template's
// literal text, MinLength to MaxLength long; WithSuffix tells apart codes
// that come out the same.
//
// The package is pure: no database, no clock. Choosing free codes, the
// account's rule and the store the codes go to is the job of package
// models, which calls it.
package codename

import "fmt"

// Error is a rule that cannot be parsed or rendered. Its message, meant
// for the merchant, says why; package models reports it as invalid input.
type Error struct{ msg string }

func (e *Error) Error() string { return e.msg }

// invalidf is an Error with a formatted message.
func invalidf(format string, args ...any) error {
	return &Error{msg: fmt.Sprintf(format, args...)}
}
