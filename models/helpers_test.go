package models_test

import (
	"errors"

	"codecredit/models"
)

func isInvalid(err error) bool { return errors.Is(err, models.ErrInvalid) }
