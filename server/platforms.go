package main

import (
	"log/slog"

	"codecredit/platforms/paddle"
)

// adapters are the platform adapters, built once from the configuration.
type adapters struct {
	paddle *paddle.Adapter
}

// newAdapters builds every platform adapter; each sends its calls to the
// platform's real host unless its *_BASE_URL says otherwise.
func newAdapters(cfg Config, log *slog.Logger) adapters {
	return adapters{
		paddle: paddle.New(paddle.Config{BaseURL: cfg.PaddleBaseURL, AppURL: cfg.AppURL, Logger: log}),
	}
}
