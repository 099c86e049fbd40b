package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"codecredit/platforms"
	"codecredit/platforms/egress"
)

// platformCall is a call an install or connect flow made to a platform,
// named so that its failure can be worded for the merchant.
type platformCall struct {
	platform string // the platform as the merchant reads it: "Shopify", "the store"
	action   string // what the call was to do: "read the shop"
	refused  string // the 400 when the platform refused the credentials
	// busy starts the 502 when the platform throttled us, before "try
	// again in …"; "" is "<platform> is busy; could not <action>, ".
	busy string
	// failed is the 502 for any other failure; "" is "could not <action>
	// on <platform>; try again".
	failed    string
	roundWait bool   // say the wait in whole seconds
	logKey    string // the platform in the warning logged for other failures: "shopify"
	logAttrs  []any  // what else that warning says, before the action
}

// platformError words a failed platform call for the merchant: an address
// we do not call, refused credentials and a refused request are a 400;
// throttling and outages a 502 that keeps the cause for the logs, an
// outage also logged here as a warning.
func platformError(log *slog.Logger, call platformCall, err error) error {
	var rl *platforms.RateLimitError
	var rej *platforms.RejectedError
	switch {
	case errors.Is(err, egress.ErrForbidden):
		return badRequest("%s's address is not allowed; could not %s: %v", call.platform, call.action, err)
	case errors.Is(err, platforms.ErrUnauthorized):
		return badRequest("%s", call.refused)
	case errors.As(err, &rej):
		return badRequest("%s refused to %s: %s", call.platform, call.action, rej.Reason)
	case errors.As(err, &rl):
		busy, wait := call.busy, rl.RetryAfter
		if busy == "" {
			busy = fmt.Sprintf("%s is busy; could not %s, ", call.platform, call.action)
		}
		if call.roundWait {
			wait = wait.Round(time.Second)
		}
		return badGateway(fmt.Sprintf("%stry again in %s", busy, wait), err)
	}
	log.Warn(call.logKey+" call failed", append(call.logAttrs, "action", call.action, "error", err)...)
	failed := call.failed
	if failed == "" {
		failed = "could not " + call.action + " on " + call.platform + "; try again"
	}
	return badGateway(failed, err)
}

// unavailable is a 503 with a message, keeping the cause for the logs. A
// request the caller gave up on stays a canceled context.
func unavailable(msg string, err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	he := echo.NewHTTPError(http.StatusServiceUnavailable, msg)
	he.Internal = err
	return he
}
