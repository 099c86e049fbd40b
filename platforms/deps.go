package platforms

// The platform SDKs the adapters use, pinned here while the adapters land.
import (
	_ "github.com/PaddleHQ/paddle-go-sdk/v4"
	_ "github.com/bold-commerce/go-shopify/v4"
	_ "github.com/golang-jwt/jwt/v5"
	_ "github.com/stripe/stripe-go/v85"
	_ "golang.org/x/oauth2"
)
