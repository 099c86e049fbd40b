package paddle

import (
	"context"
	"fmt"
	"net/http"

	paddlesdk "github.com/PaddleHQ/paddle-go-sdk/v4"

	"codecredit/platforms"
)

// DeactivateCode archives the code's discount (PATCH /discounts/{id} with
// "status": "archived",
// https://developer.paddle.com/api-reference/discounts/update-discount):
// Paddle keeps it, and customers can no longer redeem it at checkout. An
// archived discount stays archived; one Paddle does not know (404) is gone
// already, which is not an error.
func (a *Adapter) DeactivateCode(ctx context.Context, c *platforms.Conn, code platforms.DiscountCode) error {
	if code.PlatformID == "" {
		return &platforms.RejectedError{Reason: fmt.Sprintf("Codecredit does not know the Paddle discount of %s", code.Code)}
	}
	client, err := a.sdkFor(c)
	if err != nil {
		return err
	}
	ctx, info := track(ctx)
	_, err = client.UpdateDiscount(ctx, &paddlesdk.UpdateDiscountRequest{DiscountID: code.PlatformID,
		Status: paddlesdk.NewPatchField(paddlesdk.DiscountStatusArchived)})
	switch {
	case err == nil || info.status == http.StatusNotFound:
		return nil
	case info.status != 401 && info.status != 403 && info.status != 429:
		if r := rejection(info, err); r != nil {
			return r
		}
	}
	return a.apiError("archive discount", info, err)
}
