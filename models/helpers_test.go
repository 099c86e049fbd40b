package models_test

import (
	"errors"
	"strconv"

	"codecredit/models"
)

func isInvalid(err error) bool  { return errors.Is(err, models.ErrInvalid) }
func isNotFound(err error) bool { return errors.Is(err, models.ErrNotFound) }
func isConflict(err error) bool { return errors.Is(err, models.ErrConflict) }

// fieldOf is the field a validation error names, "" for none.
func fieldOf(err error) string {
	var fe *models.FieldError
	if errors.As(err, &fe) {
		return fe.Field
	}
	return ""
}

func uintText(v uint64) string { return strconv.FormatUint(v, 10) }
